package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.larder.core.v1.ValueType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Drift scores: zero for the same distribution, large for a shift, thresholds and skipping. */
class DriftTest {
  @Test
  void sameDistributionScoresNearZeroAndShiftedScoresHigh() {
    FeatureProfile ref = gaussian(1, 0, 20_000);
    FeatureProfile same = gaussian(2, 0, 20_000);
    FeatureProfile shifted = gaussian(3, 1, 20_000); // one standard deviation
    assertThat(Drift.psi(ref, same)).isLessThan(0.02);
    assertThat(Drift.ks(ref, same)).isLessThan(0.03);
    assertThat(Drift.psi(ref, shifted)).isGreaterThan(0.5);
    // KS of N(0,1) vs N(1,1) is 2*Phi(0.5)-1 = 0.383
    assertThat(Drift.ks(ref, shifted)).isCloseTo(0.383, within(0.03));
  }

  @Test
  void jensenShannonOfCategories() {
    FeatureProfile a = categories(new String[] {"a", "b"}, new int[] {500, 500}, 0);
    FeatureProfile b = categories(new String[] {"a", "b"}, new int[] {500, 500}, 0);
    FeatureProfile c = categories(new String[] {"c", "d"}, new int[] {500, 500}, 0);
    assertThat(Drift.jensenShannon(a, b)).isCloseTo(0, within(1e-12));
    assertThat(Drift.jensenShannon(a, c)).isCloseTo(1, within(1e-12)); // disjoint: one bit
  }

  @Test
  void compareJudgesAgainstThresholdsAndSkipsTinySamples() {
    FeatureProfile ref = categories(new String[] {"x", "y"}, new int[] {900, 100}, 0);
    FeatureProfile cur = categories(new String[] {"x", "y"}, new int[] {100, 900}, 500);
    List<DriftScore> scores = Drift.compare(ref, cur, DriftThresholds.DEFAULT);
    assertThat(scores).extracting(DriftScore::metric).containsExactly(DriftMetric.NULL_RATE, DriftMetric.JS);
    assertThat(scores).allMatch(DriftScore::drifted);
    assertThat(scores.get(0).score()).isCloseTo(500 / 1500.0, within(1e-12));

    DriftThresholds lax = new DriftThresholds(0.2, 0.1, 0.9, 0.5, 100);
    assertThat(Drift.compare(ref, cur, lax)).noneMatch(DriftScore::drifted);

    FeatureProfile tiny = categories(new String[] {"y"}, new int[] {5}, 0);
    DriftScore js = Drift.compare(ref, tiny, DriftThresholds.DEFAULT).get(1);
    assertThat(js.status()).isEqualTo(DriftScore.Status.SKIPPED);
    assertThat(js.note()).contains("too few values");
  }

  @Test
  void thresholdsComeFromSettings() {
    DriftThresholds t = DriftThresholds.fromSettings(Map.of("drift.psi_threshold", "0.5", "drift.min_values", "10"));
    assertThat(t.psi()).isEqualTo(0.5);
    assertThat(t.ks()).isEqualTo(0.1);
    assertThat(t.minValues()).isEqualTo(10);
    assertThatThrownBy(() -> DriftThresholds.fromSettings(Map.of("drift.ks_threshold", "high")))
        .hasMessageContaining("drift.ks_threshold");
  }

  private static FeatureProfile gaussian(long seed, double shift, int n) {
    Random r = new Random(seed);
    FeatureProfile p = new FeatureProfile(ValueType.DOUBLE);
    for (int i = 0; i < n; i++) {
      p.add(r.nextGaussian() + shift);
    }
    return p;
  }

  private static FeatureProfile categories(String[] values, int[] counts, int nulls) {
    FeatureProfile p = new FeatureProfile(ValueType.STRING);
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < counts[i]; j++) {
        p.add(values[i]);
      }
    }
    for (int i = 0; i < nulls; i++) {
      p.add(null);
    }
    return p;
  }
}
