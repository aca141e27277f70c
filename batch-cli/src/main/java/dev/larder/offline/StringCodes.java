package dev.larder.offline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Dense int codes (0, 1, 2...) for the distinct strings of one source column, shared by all files and row
 * groups read for it. Parquet dictionary ids are local to a column chunk; mapping each chunk's entries to
 * these codes once lets a reader hand out the same {@link String} instance for equal values, without
 * decoding UTF-8 per row, and lets callers key per-value work (a filter's verdict, say) by an int.
 * Values are looked up by their UTF-8 bytes in an open-addressing table, so plain-encoded pages (writers
 * fall back to them when a chunk's dictionary grows large) cost a hash of the bytes per row, no object.
 *
 * <p>Memory is bounded: after {@code limit} distinct values, new values get no code (-1) and readers decode
 * them as they go. Written by one reader thread; {@link #string} may be read by the thread it hands batches to.
 */
public final class StringCodes {
  /** Distinct values coded per column by default: enough for product or category ids, a few MB of strings. */
  public static final int DEFAULT_LIMIT = 1 << 18;

  private final int limit;
  /** Code + 1 per slot, 0 when empty. */
  private int[] slots = new int[2048];
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
    int mask = slots.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int c = slots[i] - 1;
      if (c < 0) {
        return size >= limit ? -1 : add(i, h, head, a, off, len);
      }
      if (hashes[c] == h && heads[c] == head && bytes[c].length == len
          && (len <= 8 || Arrays.equals(bytes[c], 8, len, a, off + 8, off + len))) {
        return c;
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
    slots[slot] = code + 1;
    size = code + 1;
    if (size * 2 > slots.length) {
      rehash();
    }
    return code;
  }

  private void rehash() {
    slots = new int[slots.length * 2];
    int mask = slots.length - 1;
    for (int c = 0; c < size; c++) {
      int i = hashes[c] & mask;
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = c + 1;
    }
  }

  /** Up to eight bytes as a little-endian long. */
  private static long word(byte[] a, int off, int n) {
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
