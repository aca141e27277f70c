package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.larder.core.v1.ValueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Profiles against exact computation on small data, merging, and the stored bytes. */
class FeatureProfileTest {
  @Test
  void smallNumbersAreExact() {
    FeatureProfile p = new FeatureProfile(ValueType.DOUBLE);
    for (Object v : new Object[] {1.0, 2.0, null, 4.0, Double.NaN, 10.0, 2.0}) {
      p.add(v);
    }
    assertThat(p.rows()).isEqualTo(7);
    assertThat(p.nulls()).isEqualTo(2); // null and NaN
    assertThat(p.nullRate()).isCloseTo(2 / 7.0, within(1e-12));
    assertThat(p.distinct()).isEqualTo(4);
    assertThat(p.min()).isEqualTo(1.0);
    assertThat(p.max()).isEqualTo(10.0);
    assertThat(p.mean()).isCloseTo(19 / 5.0, within(1e-12));
    double var = (Math.pow(1 - 3.8, 2) + 2 * Math.pow(2 - 3.8, 2) + Math.pow(4 - 3.8, 2) + Math.pow(10 - 3.8, 2)) / 5;
    assertThat(p.stddev()).isCloseTo(Math.sqrt(var), within(1e-12));
    assertThat(p.quantile(0.5)).isEqualTo(2.0); // sorted 1 2 2 4 10
    assertThat(p.quantile(0.75)).isEqualTo(4.0);
    assertThat(p.cdf(2.0)).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void mergeEqualsOnePassAndSurvivesBytes() throws IOException {
    Random r = new Random(1);
    FeatureProfile whole = new FeatureProfile(ValueType.INT64);
    List<Long> values = new ArrayList<>();
    List<FeatureProfile> parts = new ArrayList<>();
    for (int part = 0; part < 5; part++) {
      FeatureProfile p = new FeatureProfile(ValueType.INT64);
      for (int i = 0; i < 300; i++) {
        Long v = r.nextInt(10) == 0 ? null : (long) r.nextInt(50) * (part + 1);
        p.add(v);
        whole.add(v);
        if (v != null) {
          values.add(v);
        }
      }
      parts.add(FeatureProfile.fromBytes(p.toBytes()));
    }
    FeatureProfile merged = FeatureProfile.fromBytes(parts.get(0).toBytes());
    parts.subList(1, parts.size()).forEach(merged::merge);
    assertThat(merged.rows()).isEqualTo(whole.rows());
    assertThat(merged.nulls()).isEqualTo(whole.nulls());
    assertThat(merged.distinct()).isEqualTo(whole.distinct());
    assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-9));
    assertThat(merged.stddev()).isCloseTo(whole.stddev(), within(1e-9));
    assertThat(merged.min()).isEqualTo(whole.min());
    assertThat(merged.max()).isEqualTo(whole.max());
    // 1,350 values are more than a KLL sketch with k = 200 keeps, so the median is an estimate: its true rank
    // is within the sketch's error bound of 0.5 (the old sketch happened to keep all of them).
    values.sort(null);
    double median = merged.quantile(0.5);
    double below = values.stream().filter(v -> v < median).count() / (double) values.size();
    double atOrBelow = values.stream().filter(v -> v <= median).count() / (double) values.size();
    assertThat(below).isLessThanOrEqualTo(0.5 + QuantileSketch.rankError());
    assertThat(atOrBelow).isGreaterThanOrEqualTo(0.5 - QuantileSketch.rankError());
  }

  @Test
  void categoriesCountTopValues() throws IOException {
    FeatureProfile p = new FeatureProfile(ValueType.BOOL);
    for (Object v : new Object[] {true, true, false, null, true}) {
      p.add(v);
    }
    FeatureProfile back = FeatureProfile.fromBytes(p.toBytes());
    assertThat(back.topValues(10)).containsExactly(new TopValues.Entry("true", 3), new TopValues.Entry("false", 1));
    assertThat(back.distinct()).isEqualTo(2);
    assertThat(back.mean()).isNaN();
    assertThat(back.histogram(10)).isEqualTo(ValueHistogram.EMPTY);
  }

  @Test
  void histogramUsesOneBinPerSmallWholeNumber() {
    FeatureProfile p = new FeatureProfile(ValueType.INT32);
    for (int v : new int[] {0, 0, 0, 1, 1, 3}) {
      p.add(v);
    }
    ValueHistogram h = p.histogram(20);
    assertThat(h.edges()).containsExactly(-0.5, 0.5, 1.5, 2.5, 3.5);
    assertThat(h.counts()).containsExactly(3, 2, 0, 1);
  }

  @Test
  void histogramOfWideNumbersHasEqualBinsThatAddUp() {
    FeatureProfile p = new FeatureProfile(ValueType.DOUBLE);
    Random r = new Random(2);
    for (int i = 0; i < 10_000; i++) {
      p.add(r.nextDouble() * 100);
    }
    ValueHistogram h = p.histogram(10);
    assertThat(h.counts()).hasSize(10);
    assertThat(h.total()).isEqualTo(10_000);
    // Sampling noise (about 30 per bin) plus the sketch's rank error at both edges of a bin.
    double tolerance = 100 + 2 * QuantileSketch.rankError() * 10_000;
    assertThat(Arrays.stream(h.counts()).allMatch(c -> Math.abs(c - 1000) < tolerance)).as("%s", Arrays.toString(h.counts())).isTrue();
  }

  @Test
  void garbageBytesAreRejected() {
    assertThatThrownBy(() -> FeatureProfile.fromBytes(new byte[] {1, 0, 0}))
        .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> FeatureProfile.fromBytes(new byte[] {9}))
        .isInstanceOf(IOException.class).hasMessageContaining("format");
  }
}
