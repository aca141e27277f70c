package dev.larder.materialize;

import dev.larder.online.ByteWriter;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
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
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private final ByteWriter arena;
  private final long budgetBytes;
  private int[] offsets = new int[1024];
  /** First 8 key bytes, zero-padded, compared unsigned: settles most comparisons without touching the arena. */
  private long[] prefixes = new long[1024];
  private int count;
  private boolean sorted;

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
      appended(start, keyEnd);
    } catch (RuntimeException e) {
      arena.truncate(start);
      throw e;
    }
  }

  /** Like {@link #add} for fixed-width keys and features in raw form ({@link FeatureRowCodec#encodeRawTo}). */
  void addRaw(EntityKeyCodec keys, FeatureRowCodec rows, long[] keyValues, long event, long created, long[] values,
              boolean[] nulls) {
    int start = arena.size();
    try {
      arena.writeInt(0);
      arena.writeInt(0);
      keys.encodeRawTo(keyValues, arena);
      int keyEnd = arena.size();
      rows.encodeRawTo(event, created, values, nulls, arena);
      appended(start, keyEnd);
    } catch (RuntimeException e) {
      arena.truncate(start);
      throw e;
    }
  }

  /** Fills in the lengths of the record just written at {@code start} and indexes it. */
  private void appended(int start, int keyEnd) {
    arena.putInt(start, keyEnd - start - 8);
    arena.putInt(start + 4, arena.size() - keyEnd);
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
      prefixes = Arrays.copyOf(prefixes, count * 2);
    }
    offsets[count] = start;
    prefixes[count] = prefix(arena.array(), start + 8, keyLen(start));
    count++;
    sorted = false;
  }

  void clear() {
    arena.reset();
    count = 0;
    sorted = false;
  }

  private int keyLen(int off) {
    byte[] b = arena.array();
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
  }

  private int rowLen(int off) {
    return keyLen(off + 4);
  }

  private static long prefix(byte[] b, int from, int len) {
    if (len >= 8) {
      return (long) LONG.get(b, from);
    }
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (i < len ? b[from + i] & 0xFF : 0);
    }
    return p;
  }

  /**
   * Orders sorted positions i and j: by key, then newest first (event, created, later input). Compares the
   * sequential prefix array first and touches the arena only when prefixes tie.
   */
  private int compare(long[] pre, int[] off, int i, int j) {
    int c = Long.compareUnsigned(pre[i], pre[j]);
    if (c != 0) {
      return c;
    }
    int x = off[i];
    int y = off[j];
    int c2 = compareKeysAt(x, y);
    if (c2 != 0) {
      return c2;
    }
    byte[] b = arena.array();
    int newer = RowOrder.compareNewest(b, x + 8 + keyLen(x), b, y + 8 + keyLen(y));
    return newer != 0 ? newer : Integer.compare(y, x);
  }

  private int compareKeysAt(int x, int y) {
    byte[] b = arena.array();
    return Arrays.compareUnsigned(b, x + 8, x + 8 + keyLen(x), b, y + 8, y + 8 + keyLen(y));
  }

  /** Whether sorted positions i-1 and i hold the same key (i.e. i is an older duplicate). */
  private boolean sameKeyAsPrevious(int i) {
    return prefixes[i - 1] == prefixes[i] && compareKeysAt(offsets[i - 1], offsets[i]) == 0;
  }

  /**
   * Sorts offsets and prefixes together, in place: a stable LSD radix sort on the 8-byte prefixes (which
   * decide the order of most keys, e.g. every int64 key), then a comparison sort of each run of equal
   * prefixes (longer keys sharing a prefix, and several rows of one entity).
   */
  void sort() {
    if (sorted) {
      return;
    }
    radixSortByPrefix();
    long[] tmpPre = null;
    int[] tmpOff = null;
    for (int lo = 0; lo < count; ) {
      int hi = lo + 1;
      while (hi < count && prefixes[hi] == prefixes[lo]) {
        hi++;
      }
      if (hi - lo > 1) {
        if (tmpPre == null) {
          tmpPre = new long[count];
          tmpOff = new int[count];
        }
        System.arraycopy(prefixes, lo, tmpPre, lo, hi - lo);
        System.arraycopy(offsets, lo, tmpOff, lo, hi - lo);
        mergeSort(tmpPre, tmpOff, prefixes, offsets, lo, hi);
      }
      lo = hi;
    }
    sorted = true;
  }

  /** Stable LSD radix sort by unsigned prefix, one pass per byte; bytes equal in every record are skipped. */
  private void radixSortByPrefix() {
    long[] pre = prefixes;
    int[] off = offsets;
    long[] pre2 = new long[count];
    int[] off2 = new int[count];
    int[] bucket = new int[256];
    for (int shift = 0; shift < 64; shift += 8) {
      Arrays.fill(bucket, 0);
      for (int i = 0; i < count; i++) {
        bucket[(int) (pre[i] >>> shift) & 0xFF]++;
      }
      if (count == 0 || bucket[(int) (pre[0] >>> shift) & 0xFF] == count) {
        continue;
      }
      for (int b = 0, sum = 0; b < 256; b++) {
        int c = bucket[b];
        bucket[b] = sum;
        sum += c;
      }
      for (int i = 0; i < count; i++) {
        int at = bucket[(int) (pre[i] >>> shift) & 0xFF]++;
        pre2[at] = pre[i];
        off2[at] = off[i];
      }
      long[] tp = pre;
      pre = pre2;
      pre2 = tp;
      int[] to = off;
      off = off2;
      off2 = to;
    }
    if (pre != prefixes) {
      System.arraycopy(pre, 0, prefixes, 0, count);
      System.arraycopy(off, 0, offsets, 0, count);
    }
  }

  /** Sorts src[lo,hi) into dst[lo,hi); both start with equal content. */
  private void mergeSort(long[] srcPre, int[] srcOff, long[] dstPre, int[] dstOff, int lo, int hi) {
    if (hi - lo < 16) {
      for (int i = lo + 1; i < hi; i++) {
        long p = dstPre[i];
        int o = dstOff[i];
        int j = i - 1;
        while (j >= lo && greater(dstPre, dstOff, j, p, o)) {
          dstPre[j + 1] = dstPre[j];
          dstOff[j + 1] = dstOff[j];
          j--;
        }
        dstPre[j + 1] = p;
        dstOff[j + 1] = o;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(dstPre, dstOff, srcPre, srcOff, lo, mid);
    mergeSort(dstPre, dstOff, srcPre, srcOff, mid, hi);
    if (compare(srcPre, srcOff, mid - 1, mid) <= 0) {
      System.arraycopy(srcPre, lo, dstPre, lo, hi - lo);
      System.arraycopy(srcOff, lo, dstOff, lo, hi - lo);
      return;
    }
    for (int i = lo, p = lo, q = mid; i < hi; i++) {
      if (q >= hi || (p < mid && compare(srcPre, srcOff, p, q) <= 0)) {
        dstPre[i] = srcPre[p];
        dstOff[i] = srcOff[p++];
      } else {
        dstPre[i] = srcPre[q];
        dstOff[i] = srcOff[q++];
      }
    }
  }

  /** Whether position j sorts after the record (p, o) being inserted. */
  private boolean greater(long[] pre, int[] off, int j, long p, int o) {
    int c = Long.compareUnsigned(pre[j], p);
    if (c != 0) {
      return c > 0;
    }
    int x = off[j];
    int c2 = compareKeysAt(x, o);
    if (c2 != 0) {
      return c2 > 0;
    }
    byte[] b = arena.array();
    int newer = RowOrder.compareNewest(b, x + 8 + keyLen(x), b, o + 8 + keyLen(o));
    return newer != 0 ? newer > 0 : x < o;
  }

  /** Writes the newest record of every key, in key order; returns how many older duplicates were dropped. */
  long spillTo(SpillFile.Writer out) throws IOException {
    sort();
    long dropped = 0;
    byte[] b = arena.array();
    for (int i = 0; i < count; i++) {
      if (i > 0 && sameKeyAsPrevious(i)) {
        dropped++;
        continue;
      }
      int off = offsets[i];
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
          if (i > 0 && sameKeyAsPrevious(i)) {
            continue;
          }
          int off = offsets[i];
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
      if (sameKeyAsPrevious(i)) {
        d++;
      }
    }
    return d;
  }
}
