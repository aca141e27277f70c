package dev.larder.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Floating-point sums and averages over sliding windows: equal values average to themselves, sums round once. */
class CompensatedSumTest {
  static final long MINUTE = 60_000_000L;
  static final long BASE = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
  static final RowSchema SCHEMA = new RowSchema(List.of(new Column("price", ValueType.DOUBLE)));

  private static Feature feature(Aggregation.Function f, String window) {
    return Feature.newBuilder().setName(f.name().toLowerCase()).setType(ValueType.DOUBLE)
        .setAggregation(Aggregation.newBuilder().setFunction(f).setColumn("price").setWindow(window)).build();
  }

  /** The feature's value at each as-of time, for one entity with {@code prices[i]} at minute i. */
  private static List<Object> run(Aggregation.Function f, String window, double[] prices, long[] asOfs) {
    AggregateSpec spec = AggregateSpec.of(feature(f, window), SCHEMA);
    Inputs inputs = new Inputs(List.of(spec));
    EventBlock block = new EventBlock(inputs, prices.length);
    Object[] projected = new Object[inputs.size()];
    for (int i = 0; i < prices.length; i++) {
      inputs.project(new Object[] {prices[i]}, projected);
      block.add(BASE + i * MINUTE, projected);
    }
    Object[] results = new Object[asOfs.length];
    new SlidingWindow(List.of(spec), inputs).run(block, null, 0, prices.length, asOfs,
        (t, values) -> results[t] = values[0]);
    return Arrays.asList(results);
  }

  @Test
  void theAverageOfEqualPricesIsThatPrice() {
    double[] prices = new double[5000];
    Arrays.fill(prices, 26.06);
    assertThat(run(Aggregation.Function.AVG, "lifetime", prices, new long[] {BASE + 5000 * MINUTE}))
        .containsExactly(26.06);
    double[] tenths = {0.1, 0.1, 0.1};
    assertThat(run(Aggregation.Function.AVG, "lifetime", tenths, new long[] {BASE + 3 * MINUTE})).containsExactly(0.1);
  }

  @Test
  void equalValuesAverageToThemselvesInEverySlidingWindow() {
    Random random = new Random(19);
    for (int trial = 0; trial < 200; trial++) {
      double value = random.nextDouble() * Math.pow(10, random.nextInt(12) - 4);
      int n = 1 + random.nextInt(3000);
      double[] prices = new double[n];
      Arrays.fill(prices, value);
      long[] asOfs = new long[20];
      for (int i = 0; i < asOfs.length; i++) {
        asOfs[i] = BASE + (1 + (long) n * (i + 1) / asOfs.length) * MINUTE;
      }
      for (Object avg : run(Aggregation.Function.AVG, "90m", prices, asOfs)) {
        assertThat(avg).as("trial %d: %d x %s", trial, n, value).isEqualTo(value);
      }
    }
  }

  @Test
  void aWindowSumIsTheExactSumRoundedOnce() {
    Random random = new Random(7);
    double[] prices = new double[4000];
    for (int i = 0; i < prices.length; i++) {
      prices[i] = Math.round(random.nextDouble() * 100_000) / 100.0; // prices in cents
    }
    long[] asOfs = {BASE + 1000 * MINUTE, BASE + 2500 * MINUTE, BASE + 4000 * MINUTE};
    List<Object> sums = run(Aggregation.Function.SUM, "600m", prices, asOfs);
    for (int t = 0; t < asOfs.length; t++) {
      int end = (int) ((asOfs[t] - BASE) / MINUTE);
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = end - 600; i < end; i++) {
        exact = exact.add(new BigDecimal(prices[i]));
      }
      assertThat(sums.get(t)).as("as-of %d", t).isEqualTo(exact.doubleValue());
    }
  }

  @Test
  void infinitiesStillSumToInfinity() {
    List<Object> r = run(Aggregation.Function.SUM, "lifetime",
        new double[] {1, Double.POSITIVE_INFINITY, 2}, new long[] {BASE + 3 * MINUTE});
    assertThat(r).containsExactly(Double.POSITIVE_INFINITY);
    assertThat(run(Aggregation.Function.AVG, "2m", new double[] {Double.POSITIVE_INFINITY, 2, 4},
        new long[] {BASE + 3 * MINUTE})).containsExactly(3.0);
  }
}
