package dev.larder.join;

import dev.larder.pointintime.PointInTimeRule;
import static dev.larder.core.v1.ValueType.BOOL;
import static dev.larder.core.v1.ValueType.DOUBLE;
import static dev.larder.core.v1.ValueType.FLOAT;
import static dev.larder.core.v1.ValueType.INT32;
import static dev.larder.core.v1.ValueType.INT64;
import static dev.larder.core.v1.ValueType.INT64_LIST;
import static dev.larder.core.v1.ValueType.STRING;
import static dev.larder.core.v1.ValueType.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Compares {@link PointInTimeJoin} with a brute-force reading of the rule over small random data: few keys and
 * timestamps so that event-time ties, rows before any history, rows exactly at the TTL edge, missing entities,
 * duplicate rows and null keys all occur; four views (one key, two keys, an INT32 column for an INT64 key, two
 * views with the same key and TTL, which share their key groups); and
 * memory budgets small enough to split the entity rows into many blocks, which sends them through the time sort
 * and the input-order spill. History sources return only the rows in the time range asked for (or, as allowed,
 * everything), so a block that asks for too narrow a range gets wrong results. The output is read as rows or,
 * at random, as records, which must decode to the same rows and carry their row numbers.
 */
class PointInTimeJoinPropertyTest {
  private static final List<Column> ENTITY_COLUMNS = List.of(new Column("user_id", INT64),
      new Column("country", STRING), new Column("store_id", INT32), new Column("event_timestamp", TIMESTAMP),
      new Column("label", BOOL));

  @Property(tries = 100)
  void joinEqualsBruteForce(@ForAll long seed, @ForAll boolean createdBeforeRow,
                            @ForAll("budgets") long budget) throws IOException {
    Random rnd = new Random(seed);
    int rawBatch = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(9); // 0: rows only; else raw batches of this size
    boolean exactRange = rnd.nextBoolean();
    // user ids: dense (key tables indexed by key, some negative) or sparse (hashed key tables)
    long userScale = new long[] {1, -1, 1_000_000_007L}[rnd.nextInt(3)];
    List<Object[]> entityRows = entityRows(rnd, userScale);
    ViewRequest stats = request(rnd, "stats", List.of(new Column("user_id", INT64)),
        List.of(new Column("clicks", INT64), new Column("score", DOUBLE)), createdBeforeRow);
    List<View> views = List.of(
        new View(stats),
        // the same key and TTL as stats, so the two share their key groups
        new View(new ViewRequest("again", stats.joinKeys(), List.of("clicks"),
            List.of(new Column("again__clicks", INT64)), stats.rule(), null)),
        new View(request(rnd, "by_country", List.of(new Column("user_id", INT64), new Column("country", STRING)),
            List.of(new Column("name", STRING), new Column("recent", INT64_LIST)), createdBeforeRow)),
        new View(request(rnd, "store", List.of(new Column("store_id", INT64)),
            List.of(new Column("rating", FLOAT)), createdBeforeRow)));
    List<ViewRequest> requests = new ArrayList<>();
    for (View v : views) {
      v.history = history(rnd, v.request, userScale);
      requests.add(withHistory(v.request, v.history, rawBatch, exactRange));
    }
    InMemoryRows entities = new InMemoryRows(ENTITY_COLUMNS, entityRows);

    List<Object[]> actual = new ArrayList<>();
    JoinSummary summary;
    Path spillDir = Files.createTempDirectory("pit-test");
    boolean records = rnd.nextBoolean(); // read the output as records, as a Parquet training set does
    try (JoinedRows out = new PointInTimeJoin(entities, "event_timestamp", requests, budget,
        spillDir, JoinListener.NONE).run()) {
      if (records) {
        for (byte[] r = out.nextRecord(); r != null; r = out.nextRecord()) {
          assertThat(FeatureRowCodec.eventTimestamp(r)).as("row number in the record").isEqualTo(actual.size());
          actual.add(out.recordCodec().decodeJava(r));
        }
      } else {
        for (Object[] r = out.next(); r != null; r = out.next()) {
          actual.add(r);
        }
      }
      summary = out.summary();
    }
    try (Stream<Path> left = Files.list(spillDir)) {
      assertThat(left).as("temporary files left").isEmpty();
    }
    Files.delete(spillDir);

    List<Object[]> expected = new ArrayList<>();
    long[] matched = new long[views.size()];
    for (Object[] row : entityRows) {
      List<Object> out = new ArrayList<>(Arrays.asList(row));
      for (int v = 0; v < views.size(); v++) {
        Object[] winner = bruteForce(row, views.get(v));
        int width = views.get(v).request.features().size();
        for (int f = 0; f < width; f++) {
          out.add(winner == null ? null : winner[views.get(v).request.joinKeys().size() + 2 + f]);
        }
        matched[v] += winner == null ? 0 : 1;
      }
      expected.add(out.toArray());
    }
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("row %d", i).containsExactly(expected.get(i));
    }
    assertThat(summary.rows()).isEqualTo(entityRows.size());
    for (int v = 0; v < views.size(); v++) {
      assertThat(summary.views().get(v).matched()).isEqualTo(matched[v]);
      assertThat(summary.views().get(v).nulls()).isEqualTo(entityRows.size() - matched[v]);
    }
  }

  @Provide
  Arbitrary<Long> budgets() {
    return Arbitraries.of(600L, 3_000L, 1L << 30);
  }

  /** The rule read literally: filter all history rows, take the greatest (event, created, read order). */
  private static Object[] bruteForce(Object[] row, View view) {
    ViewRequest req = view.request;
    long ts = (Long) row[3];
    int keys = req.joinKeys().size();
    Object[] best = null;
    int bestIndex = -1;
    for (int i = 0; i < view.history.size(); i++) {
      Object[] h = view.history.get(i);
      boolean sameKey = true;
      for (int k = 0; k < keys; k++) {
        Object mine = row[entityColumn(req.joinKeys().get(k).name())];
        sameKey &= mine != null && h[k] != null && keyEquals(mine, h[k]);
      }
      if (!sameKey || h[keys] == null) {
        continue;
      }
      long ets = (Long) h[keys];
      Long cts = (Long) h[keys + 1];
      boolean ttlOk = !req.rule().hasTtl() || ets > ts - req.rule().ttlMicros();
      boolean createdOk = !req.rule().createdBeforeRow() || cts == null || cts <= ts;
      if (ets <= ts && ttlOk && createdOk && (best == null || beats(h, i, best, bestIndex, keys))) {
        best = h;
        bestIndex = i;
      }
    }
    return best;
  }

  private static boolean beats(Object[] a, int ai, Object[] b, int bi, int keys) {
    long ae = (Long) a[keys];
    long be = (Long) b[keys];
    if (ae != be) {
      return ae > be;
    }
    Long ac = (Long) a[keys + 1];
    Long bc = (Long) b[keys + 1];
    if (!java.util.Objects.equals(ac, bc)) {
      return bc == null || (ac != null && ac > bc);
    }
    return ai > bi;
  }

  private static boolean keyEquals(Object a, Object b) {
    return a instanceof Number x && b instanceof Number y ? x.longValue() == y.longValue() : a.equals(b);
  }

  private static int entityColumn(String name) {
    for (int i = 0; i < ENTITY_COLUMNS.size(); i++) {
      if (ENTITY_COLUMNS.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new AssertionError(name);
  }

  private static List<Object[]> entityRows(Random rnd, long userScale) {
    int n = rnd.nextInt(40);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!rows.isEmpty() && rnd.nextInt(8) == 0) {
        rows.add(rows.get(rnd.nextInt(rows.size())).clone());
        continue;
      }
      rows.add(new Object[] {
          rnd.nextInt(16) == 0 ? null : rnd.nextInt(6) * userScale,
          rnd.nextInt(16) == 0 ? null : rnd.nextBoolean() ? "de" : "fr",
          rnd.nextInt(16) == 0 ? null : rnd.nextInt(4),
          (long) rnd.nextInt(26),
          rnd.nextBoolean()});
    }
    return rows;
  }

  private static ViewRequest request(Random rnd, String name, List<Column> keys, List<Column> features,
                                     boolean createdBeforeRow) {
    long ttl = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : 1 + rnd.nextInt(8);
    List<String> names = features.stream().map(Column::name).toList();
    List<Column> outputs = features.stream().map(c -> new Column(name + "__" + c.name(), c.type())).toList();
    return new ViewRequest(name, keys, names, outputs, new PointInTimeRule(ttl, createdBeforeRow), null);
  }

  private static ViewRequest withHistory(ViewRequest r, List<Object[]> rows, int rawBatch, boolean exactRange) {
    List<Column> cols = new ArrayList<>(r.joinKeys());
    cols.add(new Column("event_timestamp", TIMESTAMP));
    cols.add(new Column("created_timestamp", TIMESTAMP));
    for (int i = 0; i < r.features().size(); i++) {
      cols.add(new Column(r.features().get(i), r.outputColumns().get(i).type()));
    }
    int event = r.joinKeys().size();
    boolean fixedWidth = cols.stream().allMatch(c -> c.type() != STRING && c.type() != INT64_LIST);
    HistorySource source = new HistorySource() {
      @Override
      public RowReader open(long from, long to) {
        return inRange(from, to).open();
      }

      @Override
      public RawBatches openRaw(long from, long to) {
        return fixedWidth && rawBatch > 0 ? new InMemoryRawBatches(inRange(from, to), rawBatch) : null;
      }

      private InMemoryRows inRange(long from, long to) {
        return new InMemoryRows(cols, exactRange ? rows.stream()
            .filter(h -> h[event] == null || ((Long) h[event] >= from && (Long) h[event] <= to)).toList() : rows);
      }
    };
    return new ViewRequest(r.name(), r.joinKeys(), r.features(), r.outputColumns(), r.rule(), source);
  }

  /** In-memory rows as raw column batches of a given size, the way a columnar reader hands them out. */
  private static final class InMemoryRawBatches implements RawBatches {
    private final InMemoryRows rows;
    private final long[][] raw;
    private final boolean[][] nulls;
    private int next;

    InMemoryRawBatches(InMemoryRows rows, int batch) {
      this.rows = rows;
      this.raw = new long[rows.schema().size()][batch];
      this.nulls = new boolean[rows.schema().size()][batch];
    }

    @Override
    public RowSchema schema() {
      return rows.schema();
    }

    @Override
    public int next() {
      int n = 0;
      for (; n < raw[0].length && next < rows.rows().size(); n++, next++) {
        Object[] row = rows.rows().get(next);
        for (int c = 0; c < raw.length; c++) {
          Object v = row[c];
          nulls[c][n] = v == null;
          raw[c][n] = v == null ? -1 : switch (rows.schema().column(c).type()) {
            case FLOAT -> Float.floatToRawIntBits((Float) v);
            case DOUBLE -> Double.doubleToRawLongBits((Double) v);
            case BOOL -> (Boolean) v ? 1 : 0;
            default -> ((Number) v).longValue();
          };
        }
      }
      return n;
    }

    @Override
    public long[][] raw() {
      return raw;
    }

    @Override
    public boolean[][] nulls() {
      return nulls;
    }

    @Override
    public void close() {}
  }

  private static List<Object[]> history(Random rnd, ViewRequest r, long userScale) {
    int n = rnd.nextInt(60);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int keys = r.joinKeys().size();
      Object[] h = new Object[keys + 2 + r.features().size()];
      for (int k = 0; k < keys; k++) {
        h[k] = switch (r.joinKeys().get(k).type()) {
          case STRING -> rnd.nextInt(20) == 0 ? null : rnd.nextBoolean() ? "de" : "fr";
          default -> rnd.nextInt(20) == 0 ? null
              : rnd.nextInt(7) * (r.joinKeys().get(k).name().equals("user_id") ? userScale : 1);
        };
      }
      long ets = rnd.nextInt(26);
      h[keys] = rnd.nextInt(30) == 0 ? null : ets;
      h[keys + 1] = rnd.nextInt(5) == 0 ? null : ets + rnd.nextInt(7) - 2;
      for (int f = 0; f < r.features().size(); f++) {
        h[keys + 2 + f] = rnd.nextInt(6) == 0 ? null : switch (r.outputColumns().get(f).type()) {
          case INT64 -> rnd.nextLong();
          case DOUBLE -> rnd.nextGaussian();
          case FLOAT -> rnd.nextFloat();
          case STRING -> "s" + rnd.nextInt(1000);
          case INT64_LIST -> List.of((long) rnd.nextInt(5), rnd.nextLong());
          default -> throw new AssertionError();
        };
      }
      rows.add(h);
    }
    return rows;
  }

  private static final class View {
    final ViewRequest request;
    List<Object[]> history;

    View(ViewRequest request) {
      this.request = request;
    }
  }
}
