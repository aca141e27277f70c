package dev.larder.pointintime;

import dev.larder.value.RowReader;
import java.util.Arrays;
import java.util.List;

/**
 * A block of entity rows that fits the join's memory budget: the rows themselves (they are the start of the
 * output rows), their timestamps, their input row numbers, and their order by time, which every view's matching
 * needs. A block is either consecutive input rows or, when the input needs several blocks, a time range of them
 * read back from {@link TimeSortedRows}.
 */
final class EntityChunk {
  final Object[][] rows;
  final long[] times;
  /** Row indices ordered by time (stable). */
  final int[] byTime;
  final long minTime;
  final long maxTime;
  /** The input row number (from 0) of each row. */
  private final long[] rowNumbers;

  private EntityChunk(Object[][] rows, long[] times, long[] rowNumbers) {
    this.rows = rows;
    this.times = times;
    this.rowNumbers = rowNumbers;
    this.byTime = sortByTime(times);
    this.minTime = rows.length == 0 ? 0 : times[byTime[0]];
    this.maxTime = rows.length == 0 ? 0 : times[byTime[rows.length - 1]];
  }

  int size() {
    return rows.length;
  }

  long rowNumber(int i) {
    return rowNumbers[i];
  }

  /**
   * Collects rows until their estimated heap, plus {@code bytesPerRow} for what the join keeps per row, reaches
   * the budget, or until {@code maxRows}.
   */
  static final class Filler {
    private final int maxRows;
    private final long budgetBytes;
    private final long bytesPerRow;
    private Object[][] rows = new Object[1024][];
    private long[] times = new long[1024];
    private long[] rowNumbers = new long[1024];
    private int n;
    private long bytes;

    Filler(int maxRows, long budgetBytes, long bytesPerRow) {
      this.maxRows = maxRows;
      this.budgetBytes = budgetBytes;
      this.bytesPerRow = bytesPerRow;
    }

    /** Whether the block is full; never while it is empty. */
    boolean full() {
      return n > 0 && (n >= maxRows || bytes >= budgetBytes);
    }

    int size() {
      return n;
    }

    /** The heap the rows are estimated to take, besides what the join keeps per row. */
    long rowBytes() {
      return bytes - n * bytesPerRow;
    }

    void add(Object[] row, long time, long rowNumber) {
      if (n == rows.length) {
        rows = Arrays.copyOf(rows, n * 2);
        times = Arrays.copyOf(times, n * 2);
        rowNumbers = Arrays.copyOf(rowNumbers, n * 2);
      }
      rows[n] = row;
      times[n] = time;
      rowNumbers[n] = rowNumber;
      n++;
      bytes += bytesPerRow + heapBytes(row);
    }

    /**
     * The block of the rows added so far, sorted by time; the filler is empty again afterwards, and keeps its
     * arrays for the next block instead of growing them again.
     */
    EntityChunk take() {
      EntityChunk c = new EntityChunk(Arrays.copyOf(rows, n), Arrays.copyOf(times, n), Arrays.copyOf(rowNumbers, n));
      Arrays.fill(rows, 0, n, null);
      n = 0;
      bytes = 0;
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

  /** A rough size of a row and its values in the heap. */
  static long heapBytes(Object[] row) {
    long b = 16 + 4L * row.length;
    for (Object v : row) {
      b += valueBytes(v);
    }
    return b;
  }

  private static long valueBytes(Object v) {
    if (v == null || v instanceof Boolean) {
      return 0;
    } else if (v instanceof String s) {
      return 40 + s.length();
    } else if (v instanceof byte[] b) {
      return 16 + b.length;
    } else if (v instanceof List<?> l) {
      long b = 40 + 4L * l.size();
      for (Object e : l) {
        b += valueBytes(e);
      }
      return b;
    }
    return 16;
  }

  /**
   * Indices of {@code times} in ascending order of time, equal times in index order: an LSD radix sort on the
   * offset from the smallest time, 11 bits a pass and only as many passes as the time range needs. Each pass
   * moves the offsets along with the indices, so that it reads both arrays in order: looking each row's time
   * up through its index instead cost a cache miss per row and pass (a second a block at 1.6M rows).
   */
  static int[] sortByTime(long[] times) {
    int n = times.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = times[i - 1] <= times[i];
    }
    if (sorted) {
      return order; // blocks merged from time-sorted runs already are
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long t : times) {
      min = Math.min(min, t);
      max = Math.max(max, t);
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
