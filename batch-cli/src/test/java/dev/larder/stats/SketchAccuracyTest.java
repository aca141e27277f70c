package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sketches' error bounds on large random data, against exact answers. */
class SketchAccuracyTest {
  private static final int N = 1_000_000;

  @Test
  void quantileRankErrorIsWithinTheLibrarysBoundOnAMillionValues() {
    Random r = new Random(7);
    double[] values = new double[N];
    QuantileSketch sketch = new QuantileSketch();
    for (int i = 0; i < N; i++) {
      values[i] = r.nextGaussian() * 10 + (r.nextInt(10) == 0 ? 100 : 0); // a bimodal, skewed mix
      sketch.update(values[i]);
    }
    Arrays.sort(values);
    double worst = 0;
    for (int i = 1; i < 100; i++) {
      double q = i / 100.0;
      double estimate = sketch.quantile(q);
      double trueRank = (double) upperBound(values, estimate) / N;
      worst = Math.max(worst, Math.abs(trueRank - q));
      double x = values[(int) (q * N)];
      worst = Math.max(worst, Math.abs(sketch.cdf(x) - (double) upperBound(values, x) / N));
    }
    // The bound of DataSketches' KLL with k = 200 (about 1.3%); measured worst errors were 0.5-1.2%.
    assertThat(worst).isLessThan(QuantileSketch.rankError());
    assertThat(sketch.min()).isEqualTo(values[0]);
    assertThat(sketch.max()).isEqualTo(values[N - 1]);
    assertThat(sketch.count()).isEqualTo(N);
  }

  @Test
  void mergedSketchesKeepTheBound() {
    Random r = new Random(11);
    double[] values = new double[N];
    QuantileSketch merged = new QuantileSketch();
    for (int part = 0; part < 10; part++) {
      QuantileSketch s = new QuantileSketch();
      for (int i = 0; i < N / 10; i++) {
        double v = r.nextDouble() * (part + 1); // parts differ, so merging matters
        values[part * (N / 10) + i] = v;
        s.update(v);
      }
      merged.merge(s);
    }
    Arrays.sort(values);
    for (int i = 1; i < 20; i++) {
      double q = i / 20.0;
      double trueRank = (double) upperBound(values, merged.quantile(q)) / N;
      assertThat(Math.abs(trueRank - q)).as("rank error at q=%s", q).isLessThan(QuantileSketch.rankError());
    }
    assertThat(merged.count()).isEqualTo(N);
  }

  @Test
  void distinctErrorIsBelowThreePercent() {
    Random r = new Random(3);
    DistinctSketch sketch = new DistinctSketch();
    Set<Long> exact = new HashSet<>();
    for (int i = 0; i < N; i++) {
      long v = r.nextInt(400_000);
      exact.add(v);
      sketch.add(DistinctSketch.hash(v));
    }
    assertThat(relativeError(sketch.estimate(), exact.size())).isLessThan(0.03);
  }

  @Test
  void distinctIsExactWhenSmallAndCloseAcrossTheSwitchToRegisters() {
    for (int n : new int[] {1, 10, 1000, 1500, 5000, 50_000, 200_000}) {
      DistinctSketch a = new DistinctSketch();
      DistinctSketch b = new DistinctSketch();
      for (int i = 0; i < n; i++) {
        (i % 2 == 0 ? a : b).add(DistinctSketch.hash("user-" + i));
        a.add(DistinctSketch.hash("user-" + (i / 2))); // duplicates must not count
      }
      a.merge(b);
      if (n <= DistinctSketch.EXACT_LIMIT) {
        assertThat(a.estimate()).as("n=%s", n).isEqualTo(n);
      } else {
        assertThat(relativeError(a.estimate(), n)).as("n=%s", n).isLessThan(0.03);
      }
    }
  }

  @Test
  void topValuesAreExactForFewValuesAndFindHeavyHittersInMany() {
    Random r = new Random(5);
    TopValues few = new TopValues();
    TopValues many = new TopValues();
    long heavy = 0;
    for (int i = 0; i < 200_000; i++) {
      few.add(new String[] {"free", "plus", "pro"}[i % 3]);
      if (r.nextInt(5) == 0) {
        many.add("heavy");
        heavy++;
      } else {
        many.add("v" + r.nextInt(100_000));
      }
    }
    assertThat(few.exact()).isTrue();
    assertThat(few.countOf("free")).isEqualTo(66_667);
    assertThat(many.top(1).get(0).value()).isEqualTo("heavy");
    // The frequent-items sketch's counts are lower bounds, at most 3.5 / MAP_SIZE of the values below.
    assertThat(heavy - many.countOf("heavy")).isBetween(0L, (long) (200_000L * 3.5 / TopValues.MAP_SIZE));
  }

  private static double relativeError(long estimate, long truth) {
    return Math.abs(estimate - truth) / (double) truth;
  }

  private static int upperBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
