package dev.larder.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A KLL quantile sketch (Karnin, Lang, Liberty 2016) of doubles: a stack of compactors where level h holds
 * items of weight 2^h; a full level sorts itself and promotes every other item. It exists so that quantiles,
 * histograms and distribution distances of a feature can be computed in one pass with a few KB per feature,
 * and so that sketches of several periods merge into the sketch of their union.
 *
 * <p>With the default {@code k = 200} about 600 values are kept; on 1M values the worst rank error over 999
 * quantiles measured 0.6-0.7%, and {@code SketchAccuracyTest} holds it below 1%. Coin flips come from a fixed
 * seed, so the same input gives the same sketch bytes.
 */
final class QuantileSketch {
  public static final int DEFAULT_K = 200;
  private static final double SHRINK = 2.0 / 3.0;

  private final int k;
  private final SplittableRandom coins;
  private double[][] levels = new double[1][8];
  private int[] sizes = new int[1];
  private long n;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private int retained;
  private int maxRetained;
  private double[] sortedValues;
  private long[] sortedCumWeights;

  public QuantileSketch() {
    this(DEFAULT_K);
  }

  public QuantileSketch(int k) {
    if (k < 8) {
      throw new IllegalArgumentException("k must be at least 8");
    }
    this.k = k;
    this.coins = new SplittableRandom(0x5EEDL + k);
    this.maxRetained = capacity(0);
  }

  public long count() {
    return n;
  }

  public boolean isEmpty() {
    return n == 0;
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
    n++;
    min = Math.min(min, x);
    max = Math.max(max, x);
    append(0, x);
    retained++;
    if (retained >= maxRetained) {
      compress();
    }
  }

  /** Adds everything {@code other} has seen; {@code other} is unchanged. */
  public void merge(QuantileSketch other) {
    if (other.n == 0) {
      return;
    }
    while (levels.length < other.levels.length) {
      grow();
    }
    for (int h = 0; h < other.levels.length; h++) {
      for (int i = 0; i < other.sizes[h]; i++) {
        append(h, other.levels[h][i]);
      }
      retained += other.sizes[h];
    }
    n += other.n;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    while (retained >= maxRetained) {
      compress();
    }
  }

  /** Estimated fraction of values {@code <= x}. */
  public double cdf(double x) {
    if (n == 0) {
      return Double.NaN;
    }
    if (x >= max) {
      return 1.0;
    }
    if (x < min) {
      return 0.0;
    }
    sortedView();
    int i = upperBound(sortedValues, x);
    return i == 0 ? 0.0 : (double) sortedCumWeights[i - 1] / n;
  }

  /** Estimated value at normalized rank {@code q} in [0, 1]: the smallest kept value with rank {@code >= q}. */
  public double quantile(double q) {
    if (n == 0) {
      return Double.NaN;
    }
    if (q <= 0) {
      return min;
    }
    if (q >= 1) {
      return max;
    }
    sortedView();
    long target = (long) Math.ceil(q * n);
    int lo = 0;
    int hi = sortedCumWeights.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sortedCumWeights[mid] >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return sortedValues[lo];
  }

  private int capacity(int h) {
    int depth = levels.length - h - 1;
    return (int) Math.ceil(k * Math.pow(SHRINK, depth)) + 1;
  }

  private void grow() {
    levels = Arrays.copyOf(levels, levels.length + 1);
    levels[levels.length - 1] = new double[8];
    sizes = Arrays.copyOf(sizes, sizes.length + 1);
    maxRetained = 0;
    for (int h = 0; h < levels.length; h++) {
      maxRetained += capacity(h);
    }
  }

  private void append(int h, double x) {
    if (sizes[h] == levels[h].length) {
      levels[h] = Arrays.copyOf(levels[h], levels[h].length * 2);
    }
    levels[h][sizes[h]++] = x;
    sortedValues = null;
  }

  /** Compacts the lowest over-full levels until the sketch is within its size budget (lazy compaction). */
  private void compress() {
    for (int h = 0; h < levels.length; h++) {
      if (sizes[h] >= capacity(h)) {
        if (h + 1 >= levels.length) {
          grow();
        }
        double[] items = levels[h];
        int size = sizes[h];
        Arrays.sort(items, 0, size);
        boolean odd = (size & 1) == 1;
        double last = items[size - 1];
        int even = odd ? size - 1 : size;
        int offset = coins.nextBoolean() ? 1 : 0;
        for (int i = offset; i < even; i += 2) {
          append(h + 1, items[i]);
        }
        sizes[h] = 0;
        if (odd) {
          append(h, last);
        }
        retained -= even / 2;
        if (retained < maxRetained) {
          return;
        }
      }
    }
  }

  private void sortedView() {
    if (sortedValues != null) {
      return;
    }
    int total = 0;
    for (int s : sizes) {
      total += s;
    }
    long[] packed = new long[total];
    double[] values = new double[total];
    long[] weights = new long[total];
    int j = 0;
    for (int h = 0; h < levels.length; h++) {
      for (int i = 0; i < sizes[h]; i++) {
        values[j] = levels[h][i];
        weights[j] = 1L << h;
        j++;
      }
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] sv = new double[total];
    long cum = 0;
    for (int i = 0; i < total; i++) {
      sv[i] = values[order[i]];
      cum += weights[order[i]];
      packed[i] = cum;
    }
    sortedValues = sv;
    sortedCumWeights = packed;
  }

  private static int upperBound(double[] a, double x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(k);
    out.writeLong(n);
    out.writeDouble(min);
    out.writeDouble(max);
    out.writeInt(levels.length);
    for (int h = 0; h < levels.length; h++) {
      out.writeInt(sizes[h]);
      for (int i = 0; i < sizes[h]; i++) {
        out.writeDouble(levels[h][i]);
      }
    }
  }

  static QuantileSketch read(DataInputStream in) throws IOException {
    QuantileSketch s = new QuantileSketch(in.readInt());
    s.n = in.readLong();
    s.min = in.readDouble();
    s.max = in.readDouble();
    int height = in.readInt();
    if (height < 1 || height > 64) {
      throw new IOException("corrupt quantile sketch: " + height + " levels");
    }
    while (s.levels.length < height) {
      s.grow();
    }
    for (int h = 0; h < height; h++) {
      int size = in.readInt();
      if (size < 0 || size > 1 << 24) {
        throw new IOException("corrupt quantile sketch: level of " + size + " items");
      }
      for (int i = 0; i < size; i++) {
        s.append(h, in.readDouble());
      }
      s.retained += size;
    }
    return s;
  }
}
