package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
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
    this.columns = columns.clone();
    this.types = types.toArray(new ValueType[0]);
  }

  /** The encoded key of {@code row}, or null when any key value is null (such a row matches nothing). */
  byte[] encode(Object[] row) {
    len = 0;
    for (int i = 0; i < columns.length; i++) {
      Object v = row[columns[i]];
      if (v == null) {
        return null;
      }
      switch (types[i]) {
        case INT32, INT64, TIMESTAMP -> putLong(((Number) v).longValue());
        case BOOL -> putByte((Boolean) v ? 1 : 0);
        case FLOAT -> putLong(Float.floatToIntBits((Float) v));
        case DOUBLE -> putLong(Double.doubleToLongBits((Double) v));
        case STRING -> putVar(((String) v).getBytes(StandardCharsets.UTF_8));
        case BYTES -> putVar((byte[]) v);
        default -> throw new IllegalArgumentException("join keys of type " + types[i] + " are not supported");
      }
    }
    return Arrays.copyOf(buf, len);
  }

  /** A well-mixed hash of an encoded key; sorting groups keys by it before comparing bytes. */
  static int hash(byte[] key) {
    int h = Arrays.hashCode(key);
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
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
