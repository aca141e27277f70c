package dev.larder.stats;

/**
 * The estimator of the HyperLogLog Larder used before DataSketches (2^14 one-byte registers, Ertl's improved
 * raw estimator), kept only to turn old stored registers into the count they stood for.
 */
final class LegacyRegisters {
  private static final int P = DistinctSketch.LEGACY_P;
  private static final int M = 1 << P;
  private static final int Q = 64 - P;

  private LegacyRegisters() {}

  static long estimate(byte[] registers) {
    int[] c = new int[Q + 2];
    for (byte r : registers) {
      c[r]++;
    }
    double z = M * tau(1.0 - (double) c[Q + 1] / M);
    for (int j = Q; j >= 1; j--) {
      z = 0.5 * (z + c[j]);
    }
    z += M * sigma((double) c[0] / M);
    return Math.round(0.5 / Math.log(2) * M * (double) M / z);
  }

  private static double sigma(double x) {
    if (x == 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    double y = 1;
    double z = x;
    double prev;
    do {
      x *= x;
      prev = z;
      z += x * y;
      y += y;
    } while (z != prev);
    return z;
  }

  private static double tau(double x) {
    if (x == 0.0 || x == 1.0) {
      return 0.0;
    }
    double y = 1.0;
    double z = 1 - x;
    double prev;
    do {
      x = Math.sqrt(x);
      prev = z;
      y *= 0.5;
      z -= (1 - x) * (1 - x) * y;
    } while (z != prev);
    return z / 3;
  }
}
