package dev.larder.join;

import dev.larder.spill.RecordFile;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A block of entity rows that fits the join's memory budget: the rows themselves (they are the start of the
 * output rows), their timestamps, their input row numbers, and their order by time, which every view's matching
 * needs. A block is either consecutive input rows or, when the input needs several blocks, a time range of them
 * read back from {@link TimeSortedRows}.
 *
 * <p>The rows are kept encoded ({@link FeatureRowCodec} records of the entity columns, time and row number in
 * the timestamp slots), back to back in large pages that the {@link Filler} reuses for its next block. The join
 * reads only their keys and copies the rest into the output unchanged, so it never needs them as objects: kept
 * as boxed rows, a block was millions of small objects that every young collection copied and that then filled
 * the old generation, a full collection per block.
 */
final class EntityChunk {
  final long[] times;
  /** Row indices ordered by time (stable). */
  final int[] byTime;
  final long minTime;
  final long maxTime;
  private final FeatureRowCodec codec;
  private final byte[][] pages;
  /** Where each row's record is: page index in the high 32 bits, offset in the page in the low ones. */
  private final long[] at;
  private final int[] lengths;
  /** The input row number (from 0) of each row. */
  private final long[] rowNumbers;
  private final int size;

  /** Rows {@code [0, size)} of the arrays; {@code identity} holds at least 0..size-1 (see {@link #sortByTime}). */
  private EntityChunk(FeatureRowCodec codec, byte[][] pages, long[] at, int[] lengths, long[] times,
                      long[] rowNumbers, int size, int[] identity) {
    this.codec = codec;
    this.pages = pages;
    this.at = at;
    this.lengths = lengths;
    this.times = times;
    this.rowNumbers = rowNumbers;
    this.size = size;
    this.byTime = sortByTime(times, size, identity);
    this.minTime = size == 0 ? 0 : times[byTime[0]];
    this.maxTime = size == 0 ? 0 : times[byTime[size - 1]];
  }

  /** Rows; the arrays may be longer. */
  int size() {
    return size;
  }

  long rowNumber(int i) {
    return rowNumbers[i];
  }

  /** Entity columns. */
  int width() {
    return codec.types().size();
  }

  /** Row {@code i}'s values, in the entity columns' Java form. */
  Object[] row(int i) {
    return codec.decodeJava(page(i), offset(i), lengths[i]);
  }

  /** Whether column {@code c} of row {@code i} is null. */
  boolean isNull(int i, int c) {
    return codec.isNullAt(page(i), offset(i), lengths[i], c);
  }

  /** Column {@code c} of row {@code i}, a fixed-width column that is not null there, in raw form. */
  long raw(int i, int c) {
    return codec.raw(page(i), offset(i), lengths[i], c);
  }

  /** Row {@code i}'s record, in the form {@link TimeSortedRows} spills. */
  void writeTo(int i, RecordFile.Writer out) throws IOException {
    out.write(page(i), offset(i), lengths[i]);
  }

  /**
   * Sets {@code nulls[c]} for each entity column c of row {@code i}: the start of an output record's nulls, whose
   * first values {@link #writeValues} then copies.
   */
  void nullsOf(int i, boolean[] nulls) {
    codec.nulls(page(i), offset(i), lengths[i], nulls);
  }

  /** Copies row {@code i}'s encoded values into {@code out}, just started with {@link #nullsOf}'s nulls. */
  void writeValues(int i, FeatureRowCodec.RecordWriter out) {
    byte[] page = page(i);
    int off = offset(i);
    out.encodedValues(page, FeatureRowCodec.valuesOffset(page, off), off + lengths[i]);
  }

  private byte[] page(int i) {
    return pages[(int) (at[i] >>> 32)];
  }

  private int offset(int i) {
    return (int) at[i];
  }

  /**
   * Collects rows until their estimated heap, plus {@code bytesPerRow} for what the join keeps per row, reaches
   * the budget, or until {@code maxRows}.
   */
  static final class Filler {
    /** Heap per row besides its record: time, row number, place, length, and its slot in the time order. */
    static final long BYTES_PER_ROW = 8 + 8 + 8 + 4 + 4;

    private final FeatureRowCodec codec;
    private final int maxRows;
    private final long budgetBytes;
    private final long bytesPerRow;
    /**
     * Bytes per page of records, a small part of the budget (what a block leaves empty in its last page, and
     * each page at its end, is not counted); a larger record gets a page of its own size.
     */
    private final int pageBytes;
    private final List<byte[]> pages = new ArrayList<>();
    /** The page being filled, -1 before the first record of a block; and its bytes used. */
    private int page = -1;
    private int used;
    private long[] at = new long[1024];
    private int[] lengths = new int[1024];
    private long[] times = new long[1024];
    private long[] rowNumbers = new long[1024];
    /** 0, 1, 2...: the time order of a block whose rows come in time order, shared by every such block. */
    private int[] identity = new int[0];
    private int n;
    private long bytes;
    private long recordBytes;

    /** @param codec the encoding of the entity columns */
    Filler(FeatureRowCodec codec, int maxRows, long budgetBytes, long bytesPerRow) {
      this.codec = codec;
      this.maxRows = maxRows;
      this.budgetBytes = budgetBytes;
      this.bytesPerRow = bytesPerRow;
      this.pageBytes = (int) Math.max(4096, Math.min(1 << 20, budgetBytes / 64));
    }

    /** Whether the block is full; never while it is empty. */
    boolean full() {
      return n > 0 && (n >= maxRows || bytes >= budgetBytes);
    }

    int size() {
      return n;
    }

    /** The heap the rows' records take, besides what the join keeps per row. */
    long rowBytes() {
      return recordBytes;
    }

    /** Adds a row of values of the codec's types. */
    void add(Object[] row, long time, long rowNumber) {
      addRecord(codec.encode(time, rowNumber, row), time, rowNumber);
    }

    /** Adds a row encoded with the codec, with {@code time} and {@code rowNumber} in its timestamp slots. */
    void addRecord(byte[] record, long time, long rowNumber) {
      if (n == at.length) {
        at = Arrays.copyOf(at, n * 2);
        lengths = Arrays.copyOf(lengths, n * 2);
        times = Arrays.copyOf(times, n * 2);
        rowNumbers = Arrays.copyOf(rowNumbers, n * 2);
      }
      if (page < 0 || used + record.length > pages.get(page).length) {
        nextPage(record.length);
      }
      System.arraycopy(record, 0, pages.get(page), used, record.length);
      at[n] = ((long) page << 32) | used;
      lengths[n] = record.length;
      times[n] = time;
      rowNumbers[n] = rowNumber;
      used += record.length;
      n++;
      bytes += bytesPerRow + record.length;
      recordBytes += record.length;
    }

    /** Moves on to the next page, reusing the previous block's if it is large enough. */
    private void nextPage(int atLeast) {
      page++;
      used = 0;
      if (page == pages.size()) {
        pages.add(new byte[Math.max(pageBytes, atLeast)]);
      } else if (pages.get(page).length < atLeast) {
        pages.set(page, new byte[Math.max(pageBytes, atLeast)]);
      }
    }

    /**
     * The block of the rows added so far, sorted by time; the filler is empty again afterwards. The block lives
     * in the filler's pages and arrays, which its next rows overwrite: use the block before adding more. (Fresh
     * arrays for each block were garbage that the collector first promoted, then freed with full collections.)
     */
    EntityChunk take() {
      if (identity.length < n) {
        identity = new int[at.length];
        Arrays.setAll(identity, i -> i);
      }
      EntityChunk c = new EntityChunk(codec, pages.toArray(new byte[0][]), at, lengths, times, rowNumbers, n,
          identity);
      n = 0;
      bytes = 0;
      recordBytes = 0;
      page = -1;
      used = 0;
      return c;
    }
  }

  /**
   * The time of entity row {@code r}, which must not be null.
   *
   * @throws IllegalArgumentException naming the row when its timestamp is null
   */
  static long time(Object[] r, int timestamp, String timestampColumn, RowReader in) {
    Object t = r[timestamp];
    if (t == null) {
      throw new IllegalArgumentException(in.position() + ": column '" + timestampColumn
          + "' is null; every entity row needs a timestamp");
    }
    return ((Number) t).longValue();
  }

  /**
   * Indices of {@code times} in ascending order of time, equal times in index order: an LSD radix sort on the
   * offset from the smallest time, 11 bits a pass and only as many passes as the time range needs. Each pass
   * moves the offsets along with the indices, so that it reads both arrays in order: looking each row's time
   * up through its index instead cost a cache miss per row and pass (a second a block at 1.6M rows).
   */
  static int[] sortByTime(long[] times) {
    int[] identity = new int[times.length];
    Arrays.setAll(identity, i -> i);
    return sortByTime(times, times.length, identity);
  }

  /**
   * {@link #sortByTime(long[])} of {@code times[0, n)}: {@code identity} itself (0, 1, 2... for at least
   * {@code n} entries, and never written) when those times already are in order, as in blocks merged from
   * time-sorted runs; else a new array of {@code n} indices.
   */
  static int[] sortByTime(long[] times, int n, int[] identity) {
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = times[i - 1] <= times[i];
    }
    if (sorted) {
      return identity;
    }
    int[] order = Arrays.copyOf(identity, n);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, times[i]);
      max = Math.max(max, times[i]);
    }
    long range = max - min; // unsigned: the difference of any two longs fits in 64 unsigned bits
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = times[i] - min;
    }
    int[] other = new int[n];
    long[] otherKeys = new long[n];
    int[] count = new int[1 << 11];
    for (int shift = 0; shift < 64 && (range >>> shift) != 0; shift += 11) {
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((keys[i] >>> shift) & 0x7FF)]++;
      }
      for (int d = 0, sum = 0; d < count.length; d++) {
        int c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        long k = keys[i];
        int at = count[(int) ((k >>> shift) & 0x7FF)]++;
        other[at] = order[i];
        otherKeys[at] = k;
      }
      int[] swap = order;
      order = other;
      other = swap;
      long[] swapKeys = keys;
      keys = otherKeys;
      otherKeys = swapKeys;
    }
    return order;
  }
}
