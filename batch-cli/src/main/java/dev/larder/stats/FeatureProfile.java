package dev.larder.stats;

import dev.larder.core.v1.ValueType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Everything Larder knows about one feature's values in one period, gathered in one streaming pass with
 * bounded memory: counts, nulls, distinct values, moments, a quantile sketch (numbers) or top values
 * (strings, booleans). Profiles merge, so that the profile of a month is the merge of its days; their
 * {@link #toBytes() bytes} are what the statistics files store. NaN counts as a null.
 *
 * <p>The sketches are Apache DataSketches' (format 2). Bytes in format 1, written by Larder's own sketches
 * before, are still read: {@link #fromBytes} converts them and marks the profile {@link #converted()}.
 */
final class FeatureProfile {
  private static final int FORMAT = 2;
  /** The format of Larder's own sketches, read and converted. */
  static final int LEGACY_FORMAT = 1;

  /** How a feature's values are summarised. */
  public enum Kind {
    /** int32, int64, float, double: moments, quantiles, histogram. */
    NUMERIC,
    /** string, bool: top values. */
    CATEGORICAL,
    /** bytes, timestamps and lists: counts, nulls and distinct values only. */
    OTHER;

    public static Kind of(ValueType type) {
      return switch (type) {
        case INT32, INT64, FLOAT, DOUBLE -> NUMERIC;
        case STRING, BOOL -> CATEGORICAL;
        default -> OTHER;
      };
    }
  }

  private final Kind kind;
  private final boolean integral;
  private long rows;
  private long nulls;
  private double mean;
  private double m2;
  private final DistinctSketch distinct;
  private final QuantileSketch quantiles;
  private final TopValues top;
  private boolean converted;

  public FeatureProfile(ValueType type) {
    this(Kind.of(type), type == ValueType.INT32 || type == ValueType.INT64, new DistinctSketch(),
        Kind.of(type) == Kind.NUMERIC ? new QuantileSketch() : null,
        Kind.of(type) == Kind.CATEGORICAL ? new TopValues() : null);
  }

  private FeatureProfile(Kind kind, boolean integral, DistinctSketch distinct, QuantileSketch quantiles,
                         TopValues top) {
    this.kind = kind;
    this.integral = integral;
    this.distinct = distinct;
    this.quantiles = quantiles;
    this.top = top;
  }

  /** Adds one value in Larder's Java form (null for a null). */
  public void add(Object value) {
    rows++;
    if (value == null) {
      nulls++;
      return;
    }
    switch (kind) {
      case NUMERIC -> {
        double x = ((Number) value).doubleValue();
        if (Double.isNaN(x)) {
          nulls++;
          return;
        }
        long count = rows - nulls;
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
        quantiles.update(x);
      }
      case CATEGORICAL -> top.add(value.toString());
      case OTHER -> { }
    }
    distinct.add(DistinctSketch.hash(value));
  }

  /** Adds everything {@code other} counted (same kind of feature). */
  public void merge(FeatureProfile other) {
    if (other.kind != kind) {
      throw new IllegalArgumentException("cannot merge a " + other.kind + " profile into a " + kind + " profile");
    }
    long a = values();
    long b = other.values();
    if (b > 0) {
      double delta = other.mean - mean;
      long total = a + b;
      mean += delta * b / total;
      m2 += other.m2 + delta * delta * ((double) a * b / total);
    }
    rows += other.rows;
    nulls += other.nulls;
    distinct.merge(other.distinct);
    if (quantiles != null) {
      quantiles.merge(other.quantiles);
    }
    if (top != null) {
      top.merge(other.top);
    }
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the values are whole numbers (int32, int64). */
  public boolean integral() {
    return integral;
  }

  public long rows() {
    return rows;
  }

  public long nulls() {
    return nulls;
  }

  /** Non-null values. */
  public long values() {
    return rows - nulls;
  }

  public double nullRate() {
    return rows == 0 ? Double.NaN : (double) nulls / rows;
  }

  public long distinct() {
    return distinct.estimate();
  }

  /** Mean of the numbers, NaN when not numeric or no values. */
  public double mean() {
    return kind == Kind.NUMERIC && values() > 0 ? mean : Double.NaN;
  }

  /** Population standard deviation of the numbers, NaN when not numeric or no values. */
  public double stddev() {
    return kind == Kind.NUMERIC && values() > 0 ? Math.sqrt(Math.max(0, m2 / values())) : Double.NaN;
  }

  public double min() {
    return kind == Kind.NUMERIC && values() > 0 ? quantiles.min() : Double.NaN;
  }

  public double max() {
    return kind == Kind.NUMERIC && values() > 0 ? quantiles.max() : Double.NaN;
  }

  /** Estimated value at rank {@code q} in [0, 1]; NaN when not numeric or no values. */
  public double quantile(double q) {
    return kind == Kind.NUMERIC && values() > 0 ? quantiles.quantile(q) : Double.NaN;
  }

  /** Estimated fraction of the values {@code <= x}; NaN when not numeric or no values. */
  public double cdf(double x) {
    return kind == Kind.NUMERIC && values() > 0 ? quantiles.cdf(x) : Double.NaN;
  }

  /** The most frequent values (categorical features only; empty otherwise). */
  public List<TopValues.Entry> topValues(int limit) {
    return top == null ? List.of() : top.top(limit);
  }

  /** Estimated count of one categorical value. */
  public long countOf(String value) {
    return top == null ? 0 : top.countOf(value);
  }

  /** A histogram of the numbers with about {@code bins} bins (see {@link ValueHistogram#of}); empty if none. */
  public ValueHistogram histogram(int bins) {
    return ValueHistogram.of(this, bins);
  }

  /** Serialized form, read back with {@link #fromBytes}. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(kind.ordinal());
      out.writeBoolean(integral);
      out.writeLong(rows);
      out.writeLong(nulls);
      out.writeDouble(mean);
      out.writeDouble(m2);
      distinct.write(out);
      if (quantiles != null) {
        quantiles.write(out);
      }
      if (top != null) {
        top.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Whether this profile was read from the old format (Larder's own sketches) and converted; see
   * {@link QuantileSketch#readLegacy}, {@link DistinctSketch#readLegacy} and {@link TopValues#readLegacy}.
   */
  public boolean converted() {
    return converted;
  }

  /**
   * Whether the distinct count includes a number carried over from an old-format profile, which merges by
   * adding (an upper bound) until the period is recomputed.
   */
  public boolean distinctCarried() {
    return distinct.carriesLegacyCount();
  }

  /**
   * Reads {@link #toBytes()} output, or converts a profile in the old format; fails with IOException on bytes
   * that are not a profile.
   */
  public static FeatureProfile fromBytes(byte[] data) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readByte();
      if (format != FORMAT && format != LEGACY_FORMAT) {
        throw new IOException("unknown feature profile format " + format);
      }
      boolean legacy = format == LEGACY_FORMAT;
      int k = in.readByte();
      if (k < 0 || k >= Kind.values().length) {
        throw new IOException("corrupt feature profile: kind " + k);
      }
      Kind kind = Kind.values()[k];
      boolean integral = in.readBoolean();
      long rows = in.readLong();
      long nulls = in.readLong();
      double mean = in.readDouble();
      double m2 = in.readDouble();
      DistinctSketch distinct = legacy ? DistinctSketch.readLegacy(in) : DistinctSketch.read(in);
      QuantileSketch q = kind != Kind.NUMERIC ? null : legacy ? QuantileSketch.readLegacy(in) : QuantileSketch.read(in);
      TopValues t = kind != Kind.CATEGORICAL ? null : legacy ? TopValues.readLegacy(in) : TopValues.read(in);
      if (in.read() != -1) {
        throw new IOException("corrupt feature profile: bytes after the end");
      }
      FeatureProfile p = new FeatureProfile(kind, integral, distinct, q, t);
      p.converted = legacy;
      p.rows = rows;
      p.nulls = nulls;
      p.mean = mean;
      p.m2 = m2;
      return p;
    } catch (java.io.EOFException e) {
      throw new IOException("truncated feature profile", e);
    }
  }
}
