package dev.larder.online;

import java.io.IOException;
import java.util.Arrays;

/**
 * The in-heap part of a run's external sort: encoded (key, row) records appended to one byte arena, sorted
 * by key (newest row first within a key) without an object per record, then handed on as a sorted stream
 * with one row per key. When the arena reaches its budget the owner spills it to disk and clears it.
 *
 * <p>Record layout in the arena: int key length, int row length, key bytes, row bytes.
 */
final class SortBuffer {
  private final ByteWriter arena;
  private final long budgetBytes;
  private int[] offsets = new int[1024];
  /** First 8 key bytes, zero-padded, compared unsigned: settles most comparisons without touching the arena. */
  private long[] prefixes = new long[1024];
  private int count;
  private int[] order;

  SortBuffer(int budgetBytes) {
    this.budgetBytes = budgetBytes;
    this.arena = new ByteWriter(Math.min(budgetBytes, 4 << 20), budgetBytes);
  }

  int count() {
    return count;
  }

  boolean isFull() {
    return arena.size() + 12L * count >= budgetBytes;
  }

  /** Encodes and appends one row; on a bad value nothing is appended and the exception propagates. */
  void add(EntityKeyCodec keys, FeatureRowCodec rows, Object[] keyValues, long event, long created, Object[] values) {
    int start = arena.size();
    try {
      arena.writeInt(0);
      arena.writeInt(0);
      keys.encodeTo(keyValues, arena);
      int keyEnd = arena.size();
      rows.encodeTo(event, created, values, arena);
      arena.putInt(start, keyEnd - start - 8);
      arena.putInt(start + 4, arena.size() - keyEnd);
    } catch (RuntimeException e) {
      arena.truncate(start);
      throw e;
    }
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
      prefixes = Arrays.copyOf(prefixes, count * 2);
    }
    offsets[count] = start;
    prefixes[count] = prefix(arena.array(), start + 8, keyLen(start));
    count++;
    order = null;
  }

  void clear() {
    arena.reset();
    count = 0;
    order = null;
  }

  private int keyLen(int off) {
    byte[] b = arena.array();
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
  }

  private int rowLen(int off) {
    return keyLen(off + 4);
  }

  private static long prefix(byte[] b, int from, int len) {
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (i < len ? b[from + i] & 0xFF : 0);
    }
    return p;
  }

  /** Orders records by key, then newest first (event, created, later input). */
  private int compare(int x, int y) {
    int c = Long.compareUnsigned(prefixes[x], prefixes[y]);
    if (c != 0) {
      return c;
    }
    int c2 = compareKeys(x, y);
    if (c2 != 0) {
      return c2;
    }
    byte[] b = arena.array();
    int rowX = offsets[x] + 8 + keyLen(offsets[x]);
    int rowY = offsets[y] + 8 + keyLen(offsets[y]);
    int newer = RowOrder.compareNewest(b, rowX, b, rowY);
    return newer != 0 ? newer : Integer.compare(y, x);
  }

  private int compareKeys(int x, int y) {
    byte[] b = arena.array();
    int ox = offsets[x];
    int oy = offsets[y];
    return Arrays.compareUnsigned(b, ox + 8, ox + 8 + keyLen(ox), b, oy + 8, oy + 8 + keyLen(oy));
  }

  void sort() {
    if (order != null) {
      return;
    }
    int[] a = new int[count];
    for (int i = 0; i < count; i++) {
      a[i] = i;
    }
    int[] tmp = a.clone();
    mergeSort(tmp, a, 0, count);
    order = a;
  }

  /** Sorts src[lo,hi) into dst[lo,hi); src and dst start with equal content. */
  private void mergeSort(int[] src, int[] dst, int lo, int hi) {
    if (hi - lo < 12) {
      for (int i = lo + 1; i < hi; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= lo && compare(dst[j], v) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(dst, src, lo, mid);
    mergeSort(dst, src, mid, hi);
    if (compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, lo, dst, lo, hi - lo);
      return;
    }
    for (int i = lo, p = lo, q = mid; i < hi; i++) {
      if (q >= hi || (p < mid && compare(src[p], src[q]) <= 0)) {
        dst[i] = src[p++];
      } else {
        dst[i] = src[q++];
      }
    }
  }

  /** Writes the newest record of every key, in key order; returns how many older duplicates were dropped. */
  long spillTo(SpillFile.Writer out) throws IOException {
    sort();
    long dropped = 0;
    byte[] b = arena.array();
    for (int i = 0; i < count; i++) {
      if (i > 0 && compareKeys(order[i - 1], order[i]) == 0) {
        dropped++;
        continue;
      }
      int off = offsets[order[i]];
      out.write(b, off + 8, keyLen(off), b, off + 8 + keyLen(off), rowLen(off));
    }
    return dropped;
  }

  /** The sorted records, newest per key, as a stream for the final merge (the buffer must not change meanwhile). */
  SortedRows sortedRows() {
    sort();
    return new SortedRows() {
      private int i = -1;
      private byte[] key;
      private byte[] row;

      @Override
      public boolean next() {
        while (++i < count) {
          if (i > 0 && compareKeys(order[i - 1], order[i]) == 0) {
            continue;
          }
          int off = offsets[order[i]];
          int k = keyLen(off);
          key = arena.copy(off + 8, off + 8 + k);
          row = arena.copy(off + 8 + k, off + 8 + k + rowLen(off));
          return true;
        }
        return false;
      }

      @Override
      public byte[] key() {
        return key;
      }

      @Override
      public byte[] row() {
        return row;
      }

      @Override
      public void close() {}
    };
  }

  /** Records dropped as older duplicates by {@link #sortedRows()}; counted before streaming. */
  long duplicates() {
    sort();
    long d = 0;
    for (int i = 1; i < count; i++) {
      if (compareKeys(order[i - 1], order[i]) == 0) {
        d++;
      }
    }
    return d;
  }
}
