package dev.larder.offline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Parquet's RLE / bit-packing hybrid encoding, decoded one int at a time from a byte array: the encoding of
 * definition levels and of dictionary ids in data pages. Runs are decoded eight values at a time for
 * bit-packed groups; an RLE run costs nothing per value but a counter. Also reads the deprecated BIT_PACKED
 * level encoding (big-endian bit order, no run headers) that old writers used for levels.
 */
final class HybridDecoder {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] data;
  private int pos;
  private int end;
  private int bitWidth;
  private int mask;
  private boolean legacy;
  private long legacyBit;
  /** Values left in the current run. */
  private int left;
  private boolean rle;
  private int rleValue;
  private final int[] group = new int[8];
  private int groupIndex = 8;

  /** Starts decoding the hybrid encoding in {@code data[from, to)}. */
  void init(byte[] data, int from, int to, int bitWidth) {
    this.data = data;
    this.pos = from;
    this.end = to;
    this.bitWidth = bitWidth;
    this.mask = bitWidth == 32 ? -1 : (1 << bitWidth) - 1;
    this.legacy = false;
    this.left = 0;
    this.groupIndex = 8;
  }

  /** Starts decoding BIT_PACKED (deprecated) levels at {@code data[from]}: bits most significant first. */
  void initLegacy(byte[] data, int from, int to, int bitWidth) {
    init(data, from, to, bitWidth);
    this.legacy = true;
    this.legacyBit = (long) from * 8;
  }

  /** Decodes the next {@code n} values into {@code out[off, off + n)}: whole runs at a time. */
  void next(int[] out, int off, int n) {
    if (legacy) {
      for (int k = off; k < off + n; k++) {
        out[k] = next();
      }
      return;
    }
    int k = off;
    int to = off + n;
    while (k < to) {
      if (left == 0) {
        header();
      }
      int m = Math.min(left, to - k);
      if (rle) {
        java.util.Arrays.fill(out, k, k + m, rleValue);
        k += m;
        left -= m;
        continue;
      }
      int j = 0;
      while (j < m) {
        if (groupIndex == 8 && m - j >= 8) {
          unpack(out, k); // a whole group straight into place
          k += 8;
          j += 8;
          continue;
        }
        if (groupIndex == 8) {
          unpack();
        }
        out[k++] = group[groupIndex++];
        j++;
      }
      left -= m;
    }
  }

  /**
   * Decodes the next {@code n} definition levels as null flags ({@code level != maxDef}) into
   * {@code nulls[off, off + n)}; returns how many are not null.
   */
  int nulls(boolean[] nulls, int off, int n, int maxDef) {
    int present = 0;
    int k = off;
    int to = off + n;
    while (k < to) {
      if (legacy) {
        boolean isNull = next() != maxDef;
        nulls[k++] = isNull;
        present += isNull ? 0 : 1;
        continue;
      }
      if (left == 0) {
        header();
      }
      int m = Math.min(left, to - k);
      if (rle) {
        boolean isNull = rleValue != maxDef;
        java.util.Arrays.fill(nulls, k, k + m, isNull);
        present += isNull ? 0 : m;
        k += m;
        left -= m;
        continue;
      }
      for (int j = 0; j < m; j++) {
        if (groupIndex == 8) {
          unpack();
        }
        boolean isNull = group[groupIndex++] != maxDef;
        nulls[k++] = isNull;
        present += isNull ? 0 : 1;
      }
      left -= m;
    }
    return present;
  }

  int next() {
    if (legacy) {
      int v = 0;
      for (int b = 0; b < bitWidth; b++, legacyBit++) {
        int at = (int) (legacyBit >>> 3);
        int bit = at < end ? (data[at] >>> (7 - (int) (legacyBit & 7))) & 1 : 0;
        v = (v << 1) | bit;
      }
      return v;
    }
    if (left == 0) {
      header();
    }
    left--;
    if (rle) {
      return rleValue;
    }
    if (groupIndex == 8) {
      unpack();
    }
    return group[groupIndex++];
  }

  private void header() {
    int h = 0;
    int shift = 0;
    int b;
    do {
      if (pos >= end) {
        throw new IllegalStateException("RLE/bit-packed data ends in the middle of a run");
      }
      b = data[pos++];
      h |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    if ((h & 1) == 0) {
      rle = true;
      left = h >>> 1;
      int v = 0;
      for (int i = 0; i < (bitWidth + 7) / 8; i++) {
        v |= (data[pos++] & 0xFF) << (8 * i);
      }
      rleValue = v;
    } else {
      rle = false;
      left = (h >>> 1) * 8;
      groupIndex = 8;
    }
    if (left == 0) {
      header();
    }
  }

  /**
   * Decodes the next group of eight bit-packed values (least significant bit first): {@code bitWidth} bytes,
   * each value read with one eight-byte load where the array has room for it.
   */
  private void unpack() {
    unpack(group, 0);
    groupIndex = 0;
  }

  /** Decodes the next group of eight bit-packed values into {@code out[at, at + 8)}. */
  private void unpack(int[] out, int at) {
    if (pos + bitWidth <= end && pos + bitWidth + 8 <= data.length) {
      for (int v = 0, bit = 0; v < 8; v++, bit += bitWidth) {
        long w = (long) LONG_LE.get(data, pos + (bit >>> 3));
        out[at + v] = (int) ((w >>> (bit & 7)) & mask);
      }
      pos += bitWidth;
      return;
    }
    long acc = 0;
    int bits = 0;
    for (int v = 0; v < 8; v++) {
      while (bits < bitWidth) {
        long b = pos < end ? data[pos] & 0xFF : 0; // writers may omit the padding of the last group
        pos++;
        acc |= b << bits;
        bits += 8;
      }
      out[at + v] = (int) (acc & mask);
      acc >>>= bitWidth;
      bits -= bitWidth;
    }
  }
}
