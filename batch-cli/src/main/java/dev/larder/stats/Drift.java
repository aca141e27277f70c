package dev.larder.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Distances between a feature's reference and current profiles, computed from the sketches alone so that
 * months of history compare without rereading it. Numbers get PSI (over the reference deciles) and KS;
 * strings and booleans get Jensen-Shannon over their top values plus an "other" bucket; every feature gets the
 * change of its null rate.
 */
final class Drift {
  /** Probability floor for empty bins, so that PSI stays finite (a common convention). */
  static final double FLOOR = 1e-4;
  static final int MAX_VALUE_BINS = 20;

  private Drift() {}

  /** All scores that apply to the feature's kind, judged against {@code t}. */
  public static List<DriftScore> compare(FeatureProfile reference, FeatureProfile current, DriftThresholds t) {
    List<DriftScore> out = new ArrayList<>();
    if (reference.rows() == 0 || current.rows() == 0) {
      String why = reference.rows() == 0 ? "no reference rows" : "no current rows";
      out.add(DriftScore.skipped(DriftMetric.NULL_RATE, t.nullRate(), why));
    } else {
      out.add(DriftScore.of(DriftMetric.NULL_RATE, Math.abs(current.nullRate() - reference.nullRate()),
          t.nullRate()));
    }
    List<DriftMetric> metrics = switch (reference.kind()) {
      case NUMERIC -> List.of(DriftMetric.PSI, DriftMetric.KS);
      case CATEGORICAL -> List.of(DriftMetric.JS);
      case OTHER -> List.of();
    };
    long fewest = Math.min(reference.values(), current.values());
    for (DriftMetric m : metrics) {
      if (fewest < Math.max(1, t.minValues())) {
        out.add(DriftScore.skipped(m, t.of(m), "too few values (" + fewest + " < " + t.minValues() + ")"));
        continue;
      }
      double score = switch (m) {
        case PSI -> psi(reference, current);
        case KS -> ks(reference, current);
        case JS -> jensenShannon(reference, current);
        case NULL_RATE -> throw new IllegalStateException();
      };
      out.add(DriftScore.of(m, score, t.of(m)));
    }
    return out;
  }

  /** Population stability index of the current values over bins cut at the reference deciles. */
  public static double psi(FeatureProfile reference, FeatureProfile current) {
    double[] cuts = decileCuts(reference);
    double[] p = binFractions(reference, cuts);
    double[] q = binFractions(current, cuts);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double a = Math.max(p[i], FLOOR);
      double b = Math.max(q[i], FLOOR);
      sum += (b - a) * Math.log(b / a);
    }
    return sum;
  }

  /** Largest absolute difference between the two CDFs, checked at both sketches' percentiles. */
  public static double ks(FeatureProfile reference, FeatureProfile current) {
    double worst = 0;
    for (FeatureProfile side : List.of(reference, current)) {
      for (int i = 0; i <= 200; i++) {
        double x = side.quantile(i / 200.0);
        worst = Math.max(worst, Math.abs(reference.cdf(x) - current.cdf(x)));
      }
    }
    return worst;
  }

  /** Jensen-Shannon divergence (base 2, between 0 and 1) of the categories' frequencies. */
  public static double jensenShannon(FeatureProfile reference, FeatureProfile current) {
    Set<String> keys = new LinkedHashSet<>();
    reference.topValues(TopValues.CAPACITY).forEach(e -> keys.add(e.value()));
    current.topValues(TopValues.CAPACITY).forEach(e -> keys.add(e.value()));
    double[] p = categoryFractions(reference, keys);
    double[] q = categoryFractions(current, keys);
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      js += 0.5 * term(p[i], m) + 0.5 * term(q[i], m);
    }
    return Math.max(0, Math.min(1, js));
  }

  private static double term(double a, double m) {
    return a <= 0 ? 0 : a * (Math.log(a / m) / Math.log(2));
  }

  /** Fractions of the non-null values per key, then the rest as "other". */
  private static double[] categoryFractions(FeatureProfile p, Set<String> keys) {
    double[] out = new double[keys.size() + 1];
    double n = p.values();
    double known = 0;
    int i = 0;
    for (String k : keys) {
      out[i] = n == 0 ? 0 : p.countOf(k) / n;
      known += out[i++];
    }
    out[i] = Math.max(0, 1 - known);
    return out;
  }

  /**
   * Bin cuts from the reference: bins are (-inf, c1], (c1, c2], ..., (ck, +inf). Whole numbers spanning at most
   * {@value #MAX_VALUE_BINS} values get one bin per value (deciles of a mostly-zero count collapse into one or
   * two bins and hide a change in the tail); other numbers are cut at their distinct deciles.
   */
  static double[] decileCuts(FeatureProfile reference) {
    if (reference.integral() && reference.max() - reference.min() <= MAX_VALUE_BINS) {
      int n = (int) (reference.max() - reference.min());
      double[] cuts = new double[n];
      for (int i = 0; i < n; i++) {
        cuts[i] = reference.min() + i;
      }
      return cuts;
    }
    double[] cuts = new double[9];
    for (int i = 1; i <= 9; i++) {
      cuts[i - 1] = reference.quantile(i / 10.0);
    }
    return Arrays.stream(cuts).distinct().sorted().toArray();
  }

  static double[] binFractions(FeatureProfile p, double[] cuts) {
    double[] out = new double[cuts.length + 1];
    double prev = 0;
    for (int i = 0; i < cuts.length; i++) {
      double c = p.cdf(cuts[i]);
      out[i] = Math.max(0, c - prev);
      prev = Math.max(prev, c);
    }
    out[cuts.length] = Math.max(0, 1 - prev);
    return out;
  }
}
