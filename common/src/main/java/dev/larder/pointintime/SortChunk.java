package dev.larder.pointintime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The in-memory part of a {@link RecordSorter}: records added until its budget is reached, then sorted. Key and
 * payload bytes are packed one after the other into large byte pages; what sorting and merging touch (page reference, time, aux and the key's first 8 bytes) sits together in one
 * {@code long[]}, four longs a record, so that comparing two records reads one cache line each and keys of up
 * to 8 bytes (integer ids) never need their page.
 */
final class SortChunk {
  private static final int PAGE = 4 << 20;
  private static final int STRIDE = 4;
  private static final int REF = 0;
  private static final int TIME = 1;
  private static final int AUX = 2;
  private static final int PREFIX = 3;
  /** Heap bytes per record in the arrays (meta, hash, sort order), with room for 50% growth slack. */
  private static final int SLOT = (STRIDE * 8 + 4 + 8) * 3 / 2;

  int size;
  long bytes;
  int[] hashes = new int[1024];
  /** Per record: page index (bits 40-63), key length capped at 255 (bits 32-39), offset; time; aux; prefix. */
  long[] meta = new long[1024 * STRIDE];
  final List<byte[]> pages = new ArrayList<>();
  byte[] page;
  int pagePos;
  long[] order;

  void add(int hash, byte[] key, int keyLength, long time, long aux, byte[] payload, int payloadLength) {
    if (size == hashes.length) {
      int n = size + (size >> 1);
      hashes = Arrays.copyOf(hashes, n);
      meta = Arrays.copyOf(meta, n * STRIDE);
    }
    int need = 10 + keyLength + payloadLength;
    if (page == null || pagePos + need > page.length) {
      page = new byte[Math.max(PAGE, need)];
      pages.add(page);
      pagePos = 0;
    }
    bytes += SLOT + need; // pages are counted as filled, so a chunk may exceed its budget by one page
    hashes[size] = hash;
    int m = size * STRIDE;
    meta[m + REF] = ((long) (pages.size() - 1) << 40) | ((long) Math.min(keyLength, 255) << 32) | pagePos;
    meta[m + TIME] = time;
    meta[m + AUX] = aux;
    long prefix = 0;
    for (int i = 0; i < 8; i++) {
      prefix = (prefix << 8) | (i < keyLength ? key[i] & 0xFF : 0);
    }
    meta[m + PREFIX] = prefix;
    pagePos = putBytes(page, pagePos, key, keyLength);
    pagePos = putBytes(page, pagePos, payload, payloadLength);
    size++;
  }

  private static int putBytes(byte[] page, int pos, byte[] b, int length) {
    int n = length;
    while ((n & ~0x7F) != 0) {
      page[pos++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    page[pos++] = (byte) n;
    System.arraycopy(b, 0, page, pos, length);
    return pos + length;
  }

  byte[] pageOf(int r) {
    return pages.get((int) (meta[r * STRIDE + REF] >>> 40));
  }

  /** Offset of record r's key length in its page. */
  int keyAt(int r) {
    return (int) meta[r * STRIDE + REF];
  }

  /** Key length, or 255 for 255 and more. */
  int shortKeyLength(int r) {
    return (int) (meta[r * STRIDE + REF] >>> 32) & 0xFF;
  }

  long time(int r) {
    return meta[r * STRIDE + TIME];
  }

  long aux(int r) {
    return meta[r * STRIDE + AUX];
  }

  static int length(byte[] page, int pos) {
    int n = 0;
    for (int shift = 0; ; shift += 7) {
      int b = page[pos++];
      n |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return n;
      }
    }
  }

  static int lengthSize(int n) {
    return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
  }

  int at(int i) {
    return (int) order[i];
  }

  int hashAt(int i) {
    return (int) (order[i] >> 32);
  }

  void sort() {
    order = new long[size];
    for (int i = 0; i < size; i++) {
      order[i] = ((long) hashes[i] << 32) | i;
    }
    hashes = null;
    if (size > 1 << 16) {
      Arrays.parallelSort(order);
    } else {
      Arrays.sort(order);
    }
    int start = 0;
    while (start < size) {
      int end = start + 1;
      int h = hashAt(start);
      while (end < size && hashAt(end) == h) {
        end++;
      }
      if (end - start > 1) {
        sortGroup(start, end);
      }
      start = end;
    }
  }

  /** Compares keys (unsigned, lexicographic, shorter first on a common prefix) and then times. */
  private int compare(int a, int b) {
    int c = Long.compareUnsigned(meta[a * STRIDE + PREFIX], meta[b * STRIDE + PREFIX]);
    if (c == 0) {
      int la = shortKeyLength(a);
      int lb = shortKeyLength(b);
      if (la <= 8 && lb <= 8) {
        c = Integer.compare(la, lb);
      } else {
        byte[] pa = pageOf(a);
        byte[] pb = pageOf(b);
        int na = length(pa, keyAt(a));
        int nb = length(pb, keyAt(b));
        int oa = keyAt(a) + lengthSize(na);
        int ob = keyAt(b) + lengthSize(nb);
        c = Arrays.compareUnsigned(pa, oa, oa + na, pb, ob, ob + nb);
      }
    }
    return c != 0 ? c : Long.compare(time(a), time(b));
  }

  /** Orders order[start, end), whose records share a hash, by key and time. */
  private void sortGroup(int start, int end) {
    if (end - start <= 32) {
      for (int i = start + 1; i < end; i++) {
        long x = order[i];
        int j = i - 1;
        while (j >= start && compare((int) order[j], (int) x) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = x;
      }
      return;
    }
    int hash = hashAt(start);
    Integer[] idx = new Integer[end - start];
    for (int i = start; i < end; i++) {
      idx[i - start] = (int) order[i];
    }
    Arrays.sort(idx, this::compare);
    for (int i = start; i < end; i++) {
      order[i] = ((long) hash << 32) | idx[i - start];
    }
  }

  /** Writes the record at sorted position i to a run file. */
  void write(RunFile.Writer w, int i) throws IOException {
    int r = at(i);
    byte[] p = pageOf(r);
    int pos = keyAt(r);
    int keyLength = length(p, pos);
    int keyStart = pos + lengthSize(keyLength);
    int payloadLength = length(p, keyStart + keyLength);
    int payloadStart = keyStart + keyLength + lengthSize(payloadLength);
    w.write(hashAt(i), p, keyStart, keyLength, time(r), aux(r), payloadStart, payloadLength);
  }

  RecordCursor cursor() {
    return new RecordCursor() {
      private int pos = -1;
      private int r;
      private byte[] key;
      private byte[] payload;

      @Override
      public boolean next() {
        if (++pos >= size) {
          return false;
        }
        r = at(pos);
        key = null;
        payload = null;
        return true;
      }

      @Override
      public int hash() {
        return hashAt(pos);
      }

      @Override
      public byte[] key() {
        if (key == null) {
          int n = shortKeyLength(r);
          if (n <= 8) {
            key = new byte[n];
            long prefix = meta[r * STRIDE + PREFIX];
            for (int i = 0; i < n; i++) {
              key[i] = (byte) (prefix >>> (56 - 8 * i));
            }
          } else {
            byte[] p = pageOf(r);
            n = length(p, keyAt(r));
            int from = keyAt(r) + lengthSize(n);
            key = Arrays.copyOfRange(p, from, from + n);
          }
        }
        return key;
      }

      @Override
      public long time() {
        return SortChunk.this.time(r);
      }

      @Override
      public long aux() {
        return SortChunk.this.aux(r);
      }

      @Override
      public byte[] payload() {
        if (payload == null) {
          byte[] p = pageOf(r);
          int keyLength = length(p, keyAt(r));
          int at = keyAt(r) + lengthSize(keyLength) + keyLength;
          int n = length(p, at);
          payload = n == 0 ? EMPTY : Arrays.copyOfRange(p, at + lengthSize(n), at + lengthSize(n) + n);
        }
        return payload;
      }

      @Override
      public void close() {
        pos = size;
      }
    };
  }
}
