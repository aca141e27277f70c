package dev.larder.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Compares the one-pass sliding window against a brute-force evaluation of the documented semantics, for
 * random events (unsorted, duplicated times, nulls, times exactly on window edges, entities with events only
 * outside the windows), random aggregations, filters and windows.
 */
class SlidingWindowPropertyTest {
  static final long MINUTE = 60_000_000L;
  static final long BASE = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("event_type", ValueType.STRING),
      new Column("amount", ValueType.DOUBLE),
      new Column("qty", ValueType.INT32),
      new Column("flag", ValueType.BOOL),
      new Column("seen_at", ValueType.TIMESTAMP),
      new Column("price", ValueType.FLOAT),
      new Column("total", ValueType.INT64)));

  static final List<String> FILTERS = List.of("", "event_type = 'a'", "amount > 0 OR event_type IN ('b', 'c')",
      "NOT (qty >= 3)", "event_type IS NULL", "flag", "amount IS NOT NULL AND NOT flag",
      "seen_at < '2026-01-01T01:00:00Z'", "event_type NOT IN ('a') AND total <> 2");
  static final List<String> WINDOWS = List.of("15m", "30m", "1h", "2h", "lifetime");
  static final List<String> COLUMNS = SCHEMA.columns().stream().map(Column::name).toList();

  record Event(long time, Object[] row) {}

  record Case(List<Event> events, List<Feature> features, long[] asOfs) {}

  @Property(tries = 200)
  void slidingWindowMatchesBruteForce(@ForAll("cases") Case c) {
    List<AggregateSpec> specs = c.features.stream().map(f -> AggregateSpec.of(f, SCHEMA)).toList();
    Inputs inputs = new Inputs(specs);
    EventBlock block = new EventBlock(inputs, 4);
    Object[] projected = new Object[inputs.size()];
    for (Event e : c.events) {
      inputs.project(e.row, projected);
      block.add(e.time, projected);
    }
    Integer[] boxed = new Integer[c.events.size()];
    for (int i = 0; i < boxed.length; i++) boxed[i] = i;
    Arrays.sort(boxed, Comparator.comparingLong(i -> c.events.get(i).time)); // stable: ties keep input order
    int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();

    Map<Integer, List<Object>> actual = new TreeMap<>();
    SlidingWindow window = new SlidingWindow(specs, inputs);
    window.run(block, order, 0, order.length, c.asOfs,
        (t, values) -> actual.put(t, new ArrayList<>(Arrays.asList(values))));
    // The same after laying the events out in time order (what compute does before sliding).
    Map<Integer, List<Object>> reordered = new TreeMap<>();
    block.reorder(order);
    window.run(block, null, 0, order.length, c.asOfs,
        (t, values) -> reordered.put(t, new ArrayList<>(Arrays.asList(values))));
    assertThat(reordered).isEqualTo(actual);

    Map<Integer, List<Object>> expected = new TreeMap<>();
    long longest = specs.stream().mapToLong(AggregateSpec::windowMicros).max().orElseThrow();
    for (int t = 0; t < c.asOfs.length; t++) {
      long asOf = c.asOfs[t];
      if (c.events.stream().noneMatch(e -> inWindow(e.time, asOf, longest))) {
        continue;
      }
      List<Object> row = new ArrayList<>();
      for (AggregateSpec s : specs) {
        row.add(bruteForce(s, c.events, asOf));
      }
      expected.put(t, row);
    }

    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (Integer t : expected.keySet()) {
      for (int s = 0; s < specs.size(); s++) {
        Object a = actual.get(t).get(s);
        Object e = expected.get(t).get(s);
        String what = specs.get(s) + " at as-of #" + t;
        if (e instanceof Double d && a instanceof Double x) {
          assertThat(x).as(what).isCloseTo(d, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(d))));
        } else {
          assertThat(a).as(what).isEqualTo(e);
        }
      }
    }
  }

  static boolean inWindow(long time, long asOf, long window) {
    return time < asOf && (window == Long.MAX_VALUE || time >= asOf - window);
  }

  /** The documented semantics, evaluated directly on raw rows. */
  static Object bruteForce(AggregateSpec s, List<Event> events, long asOf) {
    List<Object> values = new ArrayList<>();
    long lastTime = Long.MIN_VALUE;
    Object last = null;
    for (Event e : events) {
      if (!inWindow(e.time, asOf, s.windowMicros()) || !s.filter().test(e.row)) continue;
      Object v = s.column() < 0 ? Boolean.TRUE : e.row[s.column()];
      if (v == null) continue;
      values.add(v);
      if (e.time >= lastTime) { // later input position wins ties
        lastTime = e.time;
        last = v;
      }
    }
    if (s.function() == Aggregation.Function.COUNT) return (long) values.size();
    if (s.function() == Aggregation.Function.COUNT_DISTINCT) return (long) new HashSet<>(values).size();
    if (values.isEmpty()) return null;
    boolean integral = s.inputType() == ValueType.INT32 || s.inputType() == ValueType.INT64;
    return switch (s.function()) {
      case SUM -> integral ? (Object) values.stream().mapToLong(v -> ((Number) v).longValue()).sum()
          : (Object) values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
      case AVG -> values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum() / values.size();
      case MIN -> values.stream().min(SlidingWindowPropertyTest::compare).orElseThrow();
      case MAX -> values.stream().max(SlidingWindowPropertyTest::compare).orElseThrow();
      case LAST -> last;
      default -> throw new IllegalStateException();
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  @Provide
  Arbitrary<Case> cases() {
    // Times on a 5-minute grid within 4 hours so that many land exactly on window edges and as-of times;
    // a few far outside so that some entities only have events outside every window.
    Arbitrary<Long> time = Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.integers().between(0, 48).map(i -> BASE + i * 5 * MINUTE)),
        Tuple.of(1, Arbitraries.integers().between(-5000, 5000).map(i -> BASE + i * MINUTE * 7)));
    Arbitrary<Object[]> row = Combinators.combine(
        nullable(Arbitraries.of("a", "b", "c", "it's")),
        nullable(Arbitraries.integers().between(-500, 500).map(i -> i / 4.0)),
        nullable(Arbitraries.integers().between(-3, 6)),
        nullable(Arbitraries.of(true, false)),
        nullable(Arbitraries.integers().between(0, 24).map(i -> BASE + i * 5 * MINUTE)),
        nullable(Arbitraries.integers().between(-40, 40).map(i -> i / 2.0f)),
        nullable(Arbitraries.longs().between(-3, 1L << 40)))
        .as((a, b, c, d, e, f, g) -> new Object[] {a, b, c, d, e, f, g});
    Arbitrary<Event> event = Combinators.combine(time, row).as(Event::new);
    Arbitrary<List<Event>> events = event.list().ofMinSize(0).ofMaxSize(40)
        .map(SlidingWindowPropertyTest::withDuplicates);
    Arbitrary<Feature> feature = Combinators.combine(
        Arbitraries.of(Aggregation.Function.COUNT, Aggregation.Function.SUM, Aggregation.Function.MIN,
            Aggregation.Function.MAX, Aggregation.Function.AVG, Aggregation.Function.COUNT_DISTINCT,
            Aggregation.Function.LAST),
        Arbitraries.of(COLUMNS), Arbitraries.of(FILTERS), Arbitraries.of(WINDOWS), Arbitraries.of(true, false))
        .as(SlidingWindowPropertyTest::feature);
    Arbitrary<List<Feature>> features = feature.list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<long[]> asOfs = Arbitraries.integers().between(-2, 60).map(i -> BASE + i * 5 * MINUTE)
        .set().ofMinSize(1).ofMaxSize(12)
        .map(set -> set.stream().mapToLong(Long::longValue).sorted().toArray());
    return Combinators.combine(events, features, asOfs).as(Case::new);
  }

  /** Feature of a function over a column the function accepts (falls back to a row count). */
  static Feature feature(Aggregation.Function f, String column, String filter, String window, boolean noColumn) {
    ValueType type = SCHEMA.column(SCHEMA.indexOf(column)).type();
    try {
      Aggregations.outputType(f, type);
    } catch (IllegalArgumentException e) {
      f = Aggregation.Function.COUNT;
    }
    Aggregation.Builder a = Aggregation.newBuilder().setFunction(f).setFilter(filter).setWindow(window);
    if (!(f == Aggregation.Function.COUNT && noColumn)) {
      a.setColumn(column);
    }
    return Feature.newBuilder().setName(f.name().toLowerCase() + "_" + column + "_" + window)
        .setAggregation(a).build();
  }

  static List<Event> withDuplicates(List<Event> events) {
    List<Event> out = new ArrayList<>(events);
    for (int i = 0; i + 3 < events.size(); i += 4) {
      out.add(events.get(i)); // exact duplicates
    }
    return out;
  }

  static <T> Arbitrary<T> nullable(Arbitrary<T> a) {
    return a.injectNull(0.2);
  }
}
