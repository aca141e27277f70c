package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.larder.core.v1.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Profiles stored by Larder's own sketches (format 1, before DataSketches) are read and converted. The
 * resource files were written by that code (commit 75a3c31) from the data described in each test; the
 * expected figures are what it reported for them.
 */
class LegacyProfileTest {
  @Test
  void numbersKeepTheirCountsMomentsExtremesAndQuantiles() throws IOException {
    // 100,000 draws of N(50, 10) (seed 7) and 1,000 nulls: a many-level KLL and HyperLogLog registers.
    FeatureProfile p = legacy("numeric");
    assertThat(p.converted()).isTrue();
    assertThat(p.rows()).isEqualTo(101_000);
    assertThat(p.nulls()).isEqualTo(1_000);
    assertThat(p.mean()).isEqualTo(50.08202382433749);
    assertThat(p.stddev()).isEqualTo(10.004276186920135);
    assertThat(p.min()).isEqualTo(8.374407293501392);
    assertThat(p.max()).isEqualTo(96.80934640693317);
    // The old sketch's kept items enter the new one with their weights; the new one compacts them again,
    // so quantiles move by at most its rank error (N(50, 10): 1% of rank is about 0.25 around the median).
    double[][] old = {{0.01, 26.224854469241706}, {0.25, 43.26338357508221}, {0.5, 50.05022106527528},
        {0.75, 56.72900509504387}, {0.99, 72.25359704697046}};
    for (double[] q : old) {
      assertThat(p.cdf(q[1])).as("rank of the old q%s", q[0]).isCloseTo(q[0], within(QuantileSketch.rankError()));
    }
    // Registers of another hash cannot be rebuilt: the old estimate is carried as a number.
    assertThat(p.distinct()).isEqualTo(99_507);
    assertThat(p.distinctCarried()).isTrue();
  }

  @Test
  void smallDistinctSetsConvertExactlyAndMergeExactlyWithNewProfiles() throws IOException {
    // 5,000 int64 values 0..299 (i % 300): the old sketch kept all 300 hashes.
    FeatureProfile p = legacy("small");
    assertThat(p.distinct()).isEqualTo(300);
    assertThat(p.distinctCarried()).isFalse();
    assertThat(p.min()).isEqualTo(0.0);
    assertThat(p.max()).isEqualTo(299.0);
    assertThat(p.quantile(0.5)).isCloseTo(149.5, within(300 * QuantileSketch.rankError() + 1));

    FeatureProfile current = new FeatureProfile(ValueType.INT64);
    for (long v = 200; v < 400; v++) {
      current.add(v);
    }
    p.merge(current);
    assertThat(p.distinct()).as("0..399, the overlap counted once").isEqualTo(400);
    assertThat(p.values()).isEqualTo(5_200);
    assertThat(p.max()).isEqualTo(399.0);
  }

  @Test
  void categoriesKeepTheirTopValuesAndTheirInexactness() throws IOException {
    // 60,000 strings: "heavy" every other one, "medium" every sixth, 2,000 others: 64 counters overflowed.
    FeatureProfile p = legacy("categorical");
    assertThat(p.rows()).isEqualTo(60_000);
    assertThat(p.topValues(2)).containsExactly(new TopValues.Entry("heavy", 29_683),
        new TopValues.Entry("medium", 9_683));
    assertThat(p.countOf("heavy")).isEqualTo(29_683);
    assertThat(p.distinct()).isEqualTo(1_002);

    // 4 values, 1 null: exact, and still exact after conversion.
    FeatureProfile b = legacy("bool");
    assertThat(b.rows()).isEqualTo(41);
    assertThat(b.nulls()).isEqualTo(1);
    assertThat(b.topValues(10)).containsExactly(new TopValues.Entry("true", 30), new TopValues.Entry("false", 10));
    assertThat(b.distinct()).isEqualTo(2);
  }

  @Test
  void aConvertedProfileIsWrittenInTheNewFormatAndReadBackUnchanged() throws IOException {
    for (String name : new String[] {"numeric", "small", "categorical", "bool"}) {
      FeatureProfile converted = legacy(name);
      byte[] bytes = converted.toBytes();
      assertThat(bytes[0]).as(name).isEqualTo((byte) 2);
      FeatureProfile back = FeatureProfile.fromBytes(bytes);
      assertThat(back.converted()).as(name).isFalse();
      assertThat(back.rows()).isEqualTo(converted.rows());
      assertThat(back.distinct()).as(name).isEqualTo(converted.distinct());
      assertThat(back.distinctCarried()).isEqualTo(converted.distinctCarried());
      assertThat(back.topValues(64)).isEqualTo(converted.topValues(64));
      for (double q : new double[] {0.01, 0.5, 0.99}) {
        assertThat((Object) back.quantile(q)).as("%s q%s", name, q).isEqualTo(converted.quantile(q)); // NaN = NaN
      }
      assertThat((Object) back.min()).isEqualTo(converted.min());
    }
  }

  @Test
  void aTruncatedLegacyProfileIsRefused() throws IOException {
    byte[] bytes = resource("numeric");
    assertThatThrownBy(() -> FeatureProfile.fromBytes(Arrays.copyOf(bytes, bytes.length / 2)))
        .isInstanceOf(IOException.class).hasMessageContaining("truncated");
  }

  private static FeatureProfile legacy(String name) throws IOException {
    byte[] bytes = resource(name);
    assertThat(bytes[0]).as("format byte of %s", name).isEqualTo((byte) FeatureProfile.LEGACY_FORMAT);
    return FeatureProfile.fromBytes(bytes);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = LegacyProfileTest.class.getResourceAsStream("legacy-" + name + ".profile")) {
      assertThat(in).as("resource legacy-%s.profile", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
