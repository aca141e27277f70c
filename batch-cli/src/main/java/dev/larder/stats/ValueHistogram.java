package dev.larder.stats;

/**
 * Counts of numbers in consecutive bins: bin i holds values in {@code (edges[i], edges[i+1]]}, the first bin
 * also its lower edge. Whole numbers spanning few values get one bin per value (edges at half-integers), so
 * that a count feature reads naturally; otherwise bins have equal width from the minimum to the maximum.
 * Counts are estimated from the quantile sketch.
 */
record ValueHistogram(double[] edges, long[] counts) {
  public static final ValueHistogram EMPTY = new ValueHistogram(new double[0], new long[0]);

  /** The histogram of {@code p} with about {@code bins} bins. */
  public static ValueHistogram of(FeatureProfile p, int bins) {
    if (p.kind() != FeatureProfile.Kind.NUMERIC || p.values() == 0) {
      return EMPTY;
    }
    return over(p, edges(p.min(), p.max(), p.integral(), bins));
  }

  /** Bin edges covering {@code [lo, hi]}. */
  public static double[] edges(double lo, double hi, boolean integral, int bins) {
    if (integral && hi - lo + 1 <= bins) {
      int n = (int) (hi - lo) + 1;
      double[] e = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        e[i] = lo - 0.5 + i;
      }
      return e;
    }
    if (hi <= lo) {
      return new double[] {lo - 0.5, lo + 0.5};
    }
    double[] e = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      e[i] = lo + (hi - lo) * i / bins;
    }
    e[bins] = hi;
    return e;
  }

  /** Estimated counts of {@code p}'s values in the bins given by {@code edges}. */
  public static ValueHistogram over(FeatureProfile p, double[] edges) {
    long[] counts = new long[edges.length - 1];
    long n = p.values();
    long prev = 0;
    for (int i = 1; i < edges.length; i++) {
      long upTo = i == edges.length - 1 && edges[i] >= p.max() ? n : Math.round(p.cdf(edges[i]) * n);
      counts[i - 1] = Math.max(0, upTo - prev);
      prev = Math.max(prev, upTo);
    }
    return new ValueHistogram(edges, counts);
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}
