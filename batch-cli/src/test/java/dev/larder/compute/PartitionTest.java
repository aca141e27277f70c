package dev.larder.compute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.aggregate.AggregateSpec;
import dev.larder.aggregate.Inputs;
import dev.larder.aggregate.SlidingWindow;
import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Partition's own steps on data big enough for them to matter: the merge sort of entities with many
 * out-of-order events (ties included) and the split over two aggregating threads.
 */
class PartitionTest {
  private static final RowSchema SCHEMA = new RowSchema(List.of(new Column("amount", ValueType.INT64)));

  @Test
  void outOfOrderEntitiesOnTwoThreadsMatchBruteForce() throws Exception {
    List<AggregateSpec> specs = List.of(
        spec(Aggregation.Function.COUNT, "", "1h"),
        spec(Aggregation.Function.SUM, "amount", "lifetime"),
        spec(Aggregation.Function.LAST, "amount", "1d"));
    Inputs inputs = new Inputs(specs);
    Partition p = new Partition(inputs, 16);
    Random r = new Random(3);
    Map<Long, List<long[]>> events = new java.util.HashMap<>();
    for (int n = 0; n < 20_000; n++) {
      long entity = r.nextInt(40); // about 500 events each: the merge sort, not the insertion sort
      long time = r.nextInt(2000) * 60_000_000L; // minutes in ~33 hours: many equal times
      long amount = n; // input order, so LAST shows which of equal times won
      events.computeIfAbsent(entity, k -> new ArrayList<>()).add(new long[] {time, amount});
      p.accept(entity, time, new Object[] {Boolean.TRUE, amount});
    }
    long[] asOfs = {600 * 60_000_000L, 1500 * 60_000_000L, 2100 * 60_000_000L};
    Map<String, List<Object>> got = new ConcurrentHashMap<>();
    p.aggregate(new SlidingWindow(specs, inputs), asOfs, () -> (key, asOf, values) ->
        assertThat(got.put(key + "@" + asOf, List.of(values))).isNull());
    for (Map.Entry<Long, List<long[]>> e : events.entrySet()) {
      for (int t = 0; t < asOfs.length; t++) {
        long asOf = asOfs[t];
        long count = 0;
        long sum = 0;
        Long last = null;
        long lastTime = Long.MIN_VALUE;
        for (long[] ev : e.getValue()) {
          if (ev[0] < asOf && ev[0] >= asOf - 3_600_000_000L) count++;
          if (ev[0] < asOf) sum += ev[1];
          if (ev[0] < asOf && ev[0] >= asOf - 86_400_000_000L && ev[0] >= lastTime) {
            lastTime = ev[0];
            last = ev[1];
          }
        }
        assertThat(got.get(e.getKey() + "@" + t)).as("entity %s at %s", e.getKey(), t)
            .containsExactly(count, sum, last);
      }
    }
  }

  private static AggregateSpec spec(Aggregation.Function f, String column, String window) {
    Aggregation.Builder a = Aggregation.newBuilder().setFunction(f).setWindow(window);
    if (!column.isEmpty()) {
      a.setColumn(column);
    }
    return AggregateSpec.of(Feature.newBuilder().setName(f.name().toLowerCase() + "_" + window)
        .setAggregation(a).build(), SCHEMA);
  }
}
