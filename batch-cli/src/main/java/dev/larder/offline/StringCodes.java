package dev.larder.offline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Dense int codes (0, 1, 2...) for the distinct strings of one source column, shared by all files and row
 * groups read for it. Parquet dictionary ids are local to a column chunk; mapping each chunk's entries to
 * these codes once lets a reader hand out the same {@link String} instance for equal values, without
 * decoding UTF-8 per row, and lets callers key per-value work (a filter's verdict, say) by an int.
 * Values are looked up by their UTF-8 bytes in an open-addressing table, so plain-encoded pages (writers
 * fall back to them when a chunk's dictionary grows large) cost a hash of the bytes per row, no object.
 * A slot holds the value's first eight bytes and its length next to its code, so that finding a short value
 * (most ids) touches one cache line of the table: looking in per-code arrays cost a cache miss per array,
 * the largest cost of reading events whose product ids had outgrown the dictionary.
 *
 * <p>Memory is bounded: after {@code limit} distinct values, new values get no code (-1) and readers decode
 * them as they go. Written by one reader thread; {@link #string} may be read by the thread it hands batches to.
 */
public final class StringCodes {
  /** Distinct values coded per column by default: enough for product or category ids, a few MB of strings. */
  public static final int DEFAULT_LIMIT = 1 << 18;

  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int limit;
  /** Slot i: at [2i] the value's head (see {@link #heads}), at [2i + 1] its length << 32 | code + 1; 0 when empty. */
  private long[] slots = new long[2 * 2048];
  private int[] hashes = new int[1024];
  /** Per code: its first (up to) eight bytes, little-endian; with the length this decides equality of short values. */
  private long[] heads = new long[1024];
  private byte[][] bytes = new byte[1024][];
  /** Volatile: a reader that sees a grown array must see its contents. */
  private volatile String[] strings = new String[1024];
  private int size;

  public StringCodes() {
    this(DEFAULT_LIMIT);
  }

  public StringCodes(int limit) {
    this.limit = limit;
  }

  /** Values coded so far; codes are {@code [0, size())}. */
  public int size() {
    return size;
  }

  /**
   * The string of {@code code}. Safe from another thread for codes it received after they were assigned
   * (readers hand batches over through a blocking queue, which orders the writes before the read).
   */
  public String string(int code) {
    return strings[code];
  }

  /** The code of the UTF-8 value {@code a[off, off + len)}, assigning the next one if it is new; -1 beyond the limit. */
  int codeOf(byte[] a, int off, int len) {
    long head = word(a, off, Math.min(len, 8));
    int h = hash(head, a, off, len);
    int mask = (slots.length >>> 1) - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      long entry = slots[2 * i + 1];
      if (entry == 0) {
        return size >= limit ? -1 : add(i, h, head, a, off, len);
      }
      if (slots[2 * i] == head && (int) (entry >>> 32) == len) {
        int c = (int) entry - 1;
        if (len <= 8 || (hashes[c] == h && Arrays.equals(bytes[c], 8, len, a, off + 8, off + len))) {
          return c;
        }
      }
    }
  }

  private int add(int slot, int h, long head, byte[] a, int off, int len) {
    int code = size;
    if (code == bytes.length) {
      hashes = Arrays.copyOf(hashes, code * 2);
      heads = Arrays.copyOf(heads, code * 2);
      bytes = Arrays.copyOf(bytes, code * 2);
      strings = Arrays.copyOf(strings, code * 2);
    }
    hashes[code] = h;
    heads[code] = head;
    bytes[code] = Arrays.copyOfRange(a, off, off + len);
    strings[code] = new String(a, off, len, StandardCharsets.UTF_8);
    place(slot, code);
    size = code + 1;
    if (size > slots.length >>> 2) { // more than half of the slots full
      rehash();
    }
    return code;
  }

  private void place(int slot, int code) {
    slots[2 * slot] = heads[code];
    slots[2 * slot + 1] = (long) bytes[code].length << 32 | (code + 1);
  }

  private void rehash() {
    slots = new long[slots.length * 2];
    int mask = (slots.length >>> 1) - 1;
    for (int c = 0; c < size; c++) {
      int i = hashes[c] & mask;
      while (slots[2 * i + 1] != 0) {
        i = (i + 1) & mask;
      }
      place(i, c);
    }
  }

  /** Up to eight bytes as a little-endian long. */
  private static long word(byte[] a, int off, int n) {
    if (n == 8 || (n > 0 && off + 8 <= a.length)) { // one load, then keep the n bytes asked for
      long w = (long) LONG_LE.get(a, off);
      return n == 8 ? w : w & ((1L << (8 * n)) - 1);
    }
    long w = 0;
    for (int i = n - 1; i >= 0; i--) {
      w = (w << 8) | (a[off + i] & 0xFF);
    }
    return w;
  }

  private static int hash(long head, byte[] a, int off, int len) {
    long h = head * 0x9E3779B97F4A7C15L + len;
    for (int i = off + 8; i < off + len; i += 8) {
      h = (h ^ word(a, i, Math.min(8, off + len - i))) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h ^ (h >>> 32));
  }
}
