package dev.larder.stats;

import static org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The quantiles of a feature's numbers: Apache DataSketches' KLL sketch ({@link KllDoublesSketch}, Karnin,
 * Lang, Liberty 2016) with Larder's conventions on top: NaN is ignored (callers count it as a null), and the
 * exact minimum and maximum are kept beside the sketch, so that a sketch converted from the old format keeps
 * them too. It exists so that quantiles, histograms and distribution distances of a feature come from one
 * pass with a few KB per feature, and so that sketches of several periods merge into the sketch of their union.
 *
 * <p>With {@code k = 200} the library's a-priori rank error is {@link #rankError()} (about 1.3% at 99%
 * confidence); {@code SketchAccuracyTest} checks it on a million values. KLL flips coins when it compacts,
 * so two runs over the same input can give slightly different quantiles (within that bound).
 */
final class QuantileSketch {
  public static final int DEFAULT_K = 200;

  private final KllDoublesSketch kll;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  public QuantileSketch() {
    this(KllDoublesSketch.newHeapInstance(DEFAULT_K));
  }

  private QuantileSketch(KllDoublesSketch kll) {
    this.kll = kll;
  }

  /** The library's bound on the normalized rank error of one quantile or rank query (99% confidence). */
  public static double rankError() {
    return KllDoublesSketch.getNormalizedRankError(DEFAULT_K, false);
  }

  public long count() {
    return kll.getN();
  }

  public boolean isEmpty() {
    return kll.isEmpty();
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  /** Adds a value; NaN is ignored (callers count NaN as a null). */
  public void update(double x) {
    if (Double.isNaN(x)) {
      return;
    }
    kll.update(x);
    min = Math.min(min, x);
    max = Math.max(max, x);
  }

  /** Adds everything {@code other} has seen; {@code other} is unchanged. */
  public void merge(QuantileSketch other) {
    if (other.isEmpty()) {
      return;
    }
    kll.merge(other.kll);
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
  }

  /** Estimated fraction of values {@code <= x}. */
  public double cdf(double x) {
    if (isEmpty()) {
      return Double.NaN;
    }
    if (x >= max) {
      return 1.0;
    }
    if (x < min) {
      return 0.0;
    }
    return kll.getRank(x, INCLUSIVE);
  }

  /** Estimated value at normalized rank {@code q} in [0, 1]: the smallest kept value with rank {@code >= q}. */
  public double quantile(double q) {
    if (isEmpty()) {
      return Double.NaN;
    }
    if (q <= 0) {
      return min;
    }
    if (q >= 1) {
      return max;
    }
    return Math.max(min, Math.min(max, kll.getQuantile(q, INCLUSIVE)));
  }

  void write(DataOutputStream out) throws IOException {
    out.writeDouble(min);
    out.writeDouble(max);
    byte[] bytes = kll.toByteArray();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static QuantileSketch read(DataInputStream in) throws IOException {
    double min = in.readDouble();
    double max = in.readDouble();
    byte[] bytes = Sketches.readBlock(in, "quantile sketch");
    QuantileSketch s;
    try {
      s = new QuantileSketch(KllDoublesSketch.heapify(Memory.wrap(bytes)));
    } catch (RuntimeException e) {
      throw new IOException("corrupt quantile sketch: " + e.getMessage(), e);
    }
    s.min = min;
    s.max = max;
    return s;
  }

  /**
   * Reads a sketch in the format Larder wrote before it used DataSketches (its own KLL: levels of items of
   * weight 2^level) and converts it: every kept item goes into a new KLL sketch with its weight, so the
   * count, the exact minimum and maximum and the kept items' ranks carry over.
   */
  static QuantileSketch readLegacy(DataInputStream in) throws IOException {
    int k = in.readInt();
    long n = in.readLong();
    double min = in.readDouble();
    double max = in.readDouble();
    int height = in.readInt();
    if (k < 8 || height < 1 || height > 64 || n < 0) {
      throw new IOException("corrupt legacy quantile sketch: k " + k + ", " + height + " levels");
    }
    QuantileSketch s = new QuantileSketch();
    long weights = 0;
    for (int h = 0; h < height; h++) {
      int size = in.readInt();
      if (size < 0 || size > 1 << 24) {
        throw new IOException("corrupt legacy quantile sketch: level of " + size + " items");
      }
      for (int i = 0; i < size; i++) {
        s.kll.update(in.readDouble(), 1L << h);
        weights += 1L << h;
      }
    }
    if (weights != n) {
      throw new IOException("corrupt legacy quantile sketch: weights add up to " + weights + ", not " + n);
    }
    if (n > 0) {
      s.min = min;
      s.max = max;
    }
    return s;
  }
}
