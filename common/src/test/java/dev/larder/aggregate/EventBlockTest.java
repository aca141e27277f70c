package dev.larder.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link EventBlock}'s batch append and reorder with given times, against their one-by-one equivalents. */
class EventBlockTest {
  private static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("kind", ValueType.STRING), new Column("amount", ValueType.DOUBLE), new Column("qty", ValueType.INT64)));

  /**
   * Batches of random sizes (so that they start and end inside and on the edges of 64-bit presence words),
   * into a block that held other values before {@link EventBlock#clear()}: absent stays absent.
   */
  @Test
  void appendAllMatchesAppendingOneByOne() {
    Inputs inputs = new Inputs(List.of(spec(Aggregation.Function.COUNT, ""), spec(Aggregation.Function.SUM, "amount"),
        spec(Aggregation.Function.MAX, "qty"), spec(Aggregation.Function.LAST, "kind")));
    EventBlock batched = new EventBlock(inputs, 16);
    EventBlock single = new EventBlock(inputs, 16);
    Random r = new Random(11);
    for (int e = 0; e < 500; e++) { // every input present, then forgotten
      batched.add(e, new Object[] {Boolean.TRUE, 1.0, 2L, "x"});
    }
    batched.clear();
    long[] times = new long[200];
    int total = 0;
    while (total < 3000) {
      int n = r.nextInt(times.length + 1);
      for (int k = 0; k < n; k++) {
        times[k] = total + k;
      }
      int first = batched.appendAll(times, n);
      assertThat(first).isEqualTo(total);
      for (int k = 0; k < n; k++) {
        Object[] values = {r.nextBoolean() ? Boolean.TRUE : null, r.nextBoolean() ? (double) k : null,
            r.nextBoolean() ? (long) k : null, r.nextBoolean() ? "v" + k : null};
        single.add(times[k], values);
        set(batched, first + k, values);
      }
      total += n;
    }
    assertThat(batched.size()).isEqualTo(single.size()).isEqualTo(total);
    for (int e = 0; e < total; e++) {
      assertThat(batched.time(e)).isEqualTo(single.time(e));
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(batched.value(i, e)).as("input %d of event %d", i, e).isEqualTo(single.value(i, e));
      }
    }
  }

  /** Reordering with the times already in the new order gives the block that gathering them gives. */
  @Test
  void reorderWithGivenTimesMatchesGatheringThem() {
    Inputs inputs = new Inputs(List.of(spec(Aggregation.Function.SUM, "amount"), spec(Aggregation.Function.LAST, "kind")));
    EventBlock gathered = new EventBlock(inputs, 16);
    EventBlock given = new EventBlock(inputs, 16);
    Random r = new Random(4);
    int n = 1000;
    for (int e = 0; e < n; e++) {
      Object[] values = {r.nextBoolean() ? (double) e : null, r.nextBoolean() ? "v" + e : null};
      gathered.add(r.nextInt(100), values);
      given.add(gathered.time(e), values);
    }
    java.util.List<Integer> shuffled = new java.util.ArrayList<>();
    for (int e = 0; e < n; e++) {
      shuffled.add(e);
    }
    java.util.Collections.shuffle(shuffled, r);
    int[] order = shuffled.stream().mapToInt(Integer::intValue).toArray();
    long[] times = new long[n];
    for (int k = 0; k < n; k++) {
      times[k] = given.time(order[k]);
    }
    gathered.reorder(order);
    given.reorder(order, times, false);
    for (int e = 0; e < n; e++) {
      assertThat(given.time(e)).isEqualTo(gathered.time(e));
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(given.value(i, e)).isEqualTo(gathered.value(i, e));
      }
    }
  }

  private static void set(EventBlock block, int e, Object[] values) {
    if (values[0] != null) block.setPresent(0, e);
    if (values[1] != null) block.setDouble(1, e, (Double) values[1]);
    if (values[2] != null) block.setLong(2, e, (Long) values[2]);
    block.setObject(3, e, values[3]);
  }

  private static AggregateSpec spec(Aggregation.Function f, String column) {
    Feature feature = Feature.newBuilder().setName(f + column)
        .setAggregation(Aggregation.newBuilder().setFunction(f).setColumn(column).setWindow("1d")).build();
    return AggregateSpec.of(feature, SCHEMA);
  }
}
