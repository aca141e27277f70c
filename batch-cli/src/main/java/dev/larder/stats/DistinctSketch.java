package dev.larder.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Estimates the number of distinct values in a mergeable, bounded form: Apache DataSketches' HyperLogLog
 * ({@link HllSketch}) with 2^14 four-bit registers (8 KB at most, relative standard error 0.81%). Small
 * counts are exact in practice: the library keeps a list of 26-bit coupons until the sketch is a few
 * thousand values large. Values enter as Larder's 64-bit {@link #hash} of their Java form.
 *
 * <p>A sketch converted from the old format whose count had left exact mode cannot be rebuilt (its registers
 * came from another hash); it keeps that count as a fixed {@code carried} number, which merges by adding, so
 * the distinct count of a range that includes such periods is an upper bound until they are recomputed.
 */
final class DistinctSketch {
  static final int LG_K = 14;
  /** Counts up to here are exact (the old exact limit; the library stays exact beyond it). */
  static final int EXACT_LIMIT = 1024;
  /** Register index bits of the old format's HyperLogLog. */
  static final int LEGACY_P = 14;
  private static final TgtHllType TYPE = TgtHllType.HLL_4;

  private HllSketch hll;
  private long carried;

  public DistinctSketch() {
    this(new HllSketch(LG_K, TYPE), 0);
  }

  private DistinctSketch(HllSketch hll, long carried) {
    this.hll = hll;
    this.carried = carried;
  }

  /** Adds a value by its 64-bit hash (see {@link #hash(Object)}). */
  public void add(long hash) {
    hll.update(hash);
  }

  public void merge(DistinctSketch other) {
    Union union = new Union(LG_K);
    union.update(hll);
    union.update(other.hll);
    hll = union.getResult(TYPE);
    carried += other.carried;
  }

  public long estimate() {
    return Math.round(hll.getEstimate()) + carried;
  }

  /** Whether part of the count is a fixed number carried over from the old format (see the class comment). */
  public boolean carriesLegacyCount() {
    return carried > 0;
  }

  /** A well-mixed 64-bit hash of a value in Larder's Java form (numbers, strings, booleans, bytes, lists). */
  public static long hash(Object v) {
    if (v instanceof Long || v instanceof Integer) {
      return mix(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return mix(Double.doubleToLongBits(d == 0.0 ? 0.0 : d) ^ 0x7FF1L);
    }
    if (v instanceof Boolean b) {
      return mix(b ? 1 : 0);
    }
    if (v instanceof byte[] bytes) {
      long h = 0xcbf29ce484222325L;
      for (byte x : bytes) {
        h = (h ^ (x & 0xff)) * 0x100000001b3L;
      }
      return mix(h);
    }
    String s = String.valueOf(v);
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return mix(h);
  }

  /** The MurmurHash3 64-bit finalizer: a bijection that spreads every input bit over the output. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  void write(DataOutputStream out) throws IOException {
    out.writeLong(carried);
    byte[] bytes = hll.toCompactByteArray();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static DistinctSketch read(DataInputStream in) throws IOException {
    long carried = in.readLong();
    if (carried < 0) {
      throw new IOException("corrupt distinct sketch: carried count " + carried);
    }
    byte[] bytes = Sketches.readBlock(in, "distinct sketch");
    try {
      return new DistinctSketch(HllSketch.heapify(bytes), carried);
    } catch (RuntimeException e) {
      throw new IOException("corrupt distinct sketch: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the old format (up to 1,024 hashes kept exactly, else 2^14 HyperLogLog registers of Larder's own)
   * and converts it. Kept hashes go into the new sketch one by one, so small counts stay exact and merge
   * exactly; registers keep only their estimate, carried as a fixed number (see the class comment).
   */
  static DistinctSketch readLegacy(DataInputStream in) throws IOException {
    DistinctSketch s = new DistinctSketch();
    int mode = in.readByte();
    if (mode == 0) {
      int size = in.readInt();
      if (size < 0 || size > EXACT_LIMIT + 1) {
        throw new IOException("corrupt legacy distinct sketch: " + size + " hashes");
      }
      for (int i = 0; i < size; i++) {
        s.add(in.readLong());
      }
    } else if (mode == 1) {
      byte[] registers = new byte[1 << LEGACY_P];
      in.readFully(registers);
      for (byte r : registers) {
        if (r < 0 || r > 64 - LEGACY_P + 1) {
          throw new IOException("corrupt legacy distinct sketch: register out of range");
        }
      }
      s.carried = LegacyRegisters.estimate(registers);
    } else {
      throw new IOException("corrupt legacy distinct sketch: mode " + mode);
    }
    return s;
  }
}
