package dev.larder.join;

import dev.larder.core.v1.ValueType;
import dev.larder.value.JoinKeyTypes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the join key values of a row into bytes that are equal exactly when the keys are equal, so that entity
 * rows and history rows can be sorted and matched without knowing the key's types. Integer keys are encoded
 * as 64-bit values whatever their width, so an INT32 entity column matches an INT64 join key.
 */
final class KeyEncoder {
  private final int[] columns;
  private final ValueType[] types;
  private byte[] buf = new byte[64];
  private int len;

  /**
   * @param columns where the key values are in the rows this encoder is given, in join key order
   * @param types the declared join key types, in the same order
   */
  KeyEncoder(int[] columns, List<ValueType> types) {
    if (columns.length != types.size()) {
      throw new IllegalArgumentException(columns.length + " key columns but " + types.size() + " key types");
    }
    for (int i = 0; i < types.size(); i++) {
      JoinKeyTypes.require("number " + (i + 1), types.get(i));
    }
    this.columns = columns.clone();
    this.types = types.toArray(new ValueType[0]);
  }

  /** The encoded key of {@code row}, or null when any key value is null (such a row matches nothing). */
  byte[] encode(Object[] row) {
    int n = encodeInPlace(row);
    return n < 0 ? null : Arrays.copyOf(buf, n);
  }

  /** Encodes the key of {@code row} into {@link #buffer()} and returns its length, or -1 for a null key value. */
  int encodeInPlace(Object[] row) {
    len = 0;
    for (int i = 0; i < columns.length; i++) {
      Object v = row[columns[i]];
      if (v == null) {
        return -1;
      }
      switch (types[i]) {
        case INT32, INT64, TIMESTAMP -> putLong(((Number) v).longValue());
        case BOOL -> putByte((Boolean) v ? 1 : 0);
        case STRING -> putVar(((String) v).getBytes(StandardCharsets.UTF_8));
        case BYTES -> putVar((byte[]) v);
        default -> throw new IllegalStateException("join key type " + types[i]); // refused by the constructor
      }
    }
    return len;
  }

  /** Whether every key column is an integer type, so that {@link #encodeRaw} applies. */
  static boolean integerKeys(List<ValueType> types) {
    for (ValueType t : types) {
      if (t != ValueType.INT32 && t != ValueType.INT64 && t != ValueType.TIMESTAMP) {
        return false;
      }
    }
    return true;
  }

  /**
   * Encodes the key of row {@code r} of raw columns (see {@link RawBatches}) into {@link #buffer()}, as
   * {@link #encodeInPlace} encodes the boxed values; only for {@link #integerKeys integer keys}. Returns the length, or -1
   * for a null key value.
   */
  int encodeRaw(long[][] raw, boolean[][] nulls, int r) {
    len = 0;
    for (int column : columns) {
      if (nulls[column][r]) {
        return -1;
      }
      putLong(raw[column][r]);
    }
    return len;
  }

  /** The last key encoded in place; valid until the next call. */
  byte[] buffer() {
    return buf;
  }

  /**
   * A well-mixed hash of an encoded key; sorting groups keys by it before comparing bytes, so it must spread
   * keys that differ in a few low bits (consecutive ids) over all 32 bits.
   */
  static int hash(byte[] key) {
    return hash(key, key.length);
  }

  /** The hash of the first {@code length} bytes of {@code key}. */
  static int hash(byte[] key, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = mix(h ^ longAt(key, i)) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (; i < length; i++) {
      tail = (tail << 8) | (key[i] & 0xFF);
    }
    h = mix(h ^ tail);
    return (int) (h ^ (h >>> 32));
  }

  /**
   * The hash of a key that is one integer, equal to {@link #hash(byte[], int)} of its 8-byte encoding but
   * without encoding it: most views are keyed by one id, and the join hashes tens of millions of them.
   */
  static int hash(long key) {
    long h = mix(mix((0x9E3779B97F4A7C15L ^ 8) ^ key) * 0x9E3779B97F4A7C15L);
    return (int) (h ^ (h >>> 32));
  }

  /** Whether keys of these types are one integer, so that {@link #hash(long)} and its key table apply. */
  static boolean oneInteger(List<ValueType> types) {
    return types.size() == 1 && integerKeys(types);
  }

  /** The finalizer of MurmurHash3 (fmix64). */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  private void putLong(long v) {
    ensure(8);
    for (int s = 56; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  private void putByte(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  private void putVar(byte[] b) {
    ensure(5 + b.length);
    int n = b.length;
    while ((n & ~0x7F) != 0) {
      buf[len++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buf[len++] = (byte) n;
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }
}
