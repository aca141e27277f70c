package dev.larder.join;

import dev.larder.spill.RecordFile;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Joined rows put back in input order after a join by time blocks ({@link TimeSortedRows}): each row is appended
 * to the file of its input row range (a file per lane, so that threads can add rows at once), then the ranges
 * are read back one at a time, each row placed at its row number. Memory holds one range of encoded rows,
 * decoded as they are handed out, sized to the budget; nothing is sorted.
 *
 * <p>A record is a {@link FeatureRowCodec} row of the output columns whose event timestamp slot carries the
 * row number.
 */
final class InputOrder implements AutoCloseable {
  private static final int READ_BUFFER = 1 << 20;

  private final Path dir;
  private final FeatureRowCodec codec;
  private final long rows;
  private final int rangeRows;
  /** Per lane (a thread adding rows) and range, the file of that lane's rows of the range. */
  private final RecordFile.Writer[][] writers;
  private final int ranges;
  /** The current range's records in row order, decoded one by one as they are handed out. */
  private byte[][] range;
  private final RowBatch<Object[]> decoded = new RowBatch<>();
  private int nextRange;
  private int pos;

  /**
   * @param rows how many rows will be added, numbered from 0
   * @param rangeRows rows per range, which must fit the memory budget
   * @param lanes how many threads add rows at once, each with its own lane number
   */
  InputOrder(Path dir, RowSchema schema, long rows, int rangeRows, int lanes) {
    this.dir = dir;
    this.codec = JoinedRows.recordCodec(schema);
    this.rows = rows;
    this.rangeRows = rangeRows;
    this.ranges = (int) Math.max(1, (rows + rangeRows - 1) / rangeRows);
    int buffer = (int) Math.max(64 * 1024, Math.min(1 << 20, (64L << 20) / ranges / lanes));
    this.writers = new RecordFile.Writer[lanes][ranges];
    for (int l = 0; l < lanes; l++) {
      for (int r = 0; r < ranges; r++) {
        writers[l][r] = new RecordFile.Writer(file(l, r), buffer);
      }
    }
  }

  private Path file(int lane, int range) {
    return dir.resolve("joined-" + range + "-" + lane + ".rows");
  }

  /**
   * Adds the output row of input row {@code rowNumber}, a record whose event timestamp slot holds that number;
   * each lane is used by one thread at a time.
   */
  void add(int lane, long rowNumber, byte[] record) throws IOException {
    writers[lane][(int) (rowNumber / rangeRows)].write(record);
  }

  /**
   * The next row in input order; call once all rows were added. Null at the end. Rows are decoded a few
   * thousand at a time on the lanes of {@code lanes}, so decoding keeps pace with the threads encoding the output.
   */
  Object[] next(BlockJoin lanes) throws IOException {
    if (!decoded.isEmpty()) {
      return decoded.take();
    }
    if (!advance()) {
      return null;
    }
    // decoded only now, so that a range takes the heap of its bytes, not of its objects
    int from = pos;
    int n = Math.min(RowBatch.ROWS, range.length - from);
    decoded.fill(lanes, n, (lane, i) -> {
      Object[] row = codec.decodeJava(range[from + i]);
      range[from + i] = null;
      return row;
    });
    pos += n;
    return decoded.take();
  }

  /**
   * The next row in input order as its record (see the class comment), whose event timestamp slot holds the row number;
   * call once all rows were added. Null at the end. Use this or {@link #next}, not both.
   */
  byte[] nextRecord() throws IOException {
    if (!advance()) {
      return null;
    }
    byte[] record = range[pos];
    range[pos++] = null;
    return record;
  }

  /** Reads the next range once the current one is handed out; false at the end. */
  private boolean advance() throws IOException {
    while (range == null || pos == range.length) {
      if (range != null) {
        for (int l = 0; l < writers.length; l++) {
          Files.deleteIfExists(file(l, nextRange - 1));
        }
        range = null;
      }
      if (nextRange == ranges) {
        return false;
      }
      range = read(nextRange++);
      pos = 0;
    }
    return true;
  }

  private byte[][] read(int r) throws IOException {
    long first = (long) r * rangeRows;
    byte[][] out = new byte[(int) Math.min(rangeRows, rows - first)][];
    for (int l = 0; l < writers.length; l++) {
      writers[l][r].close();
      if (writers[l][r].written()) {
        try (RecordFile.Reader in = new RecordFile.Reader(file(l, r), READ_BUFFER)) {
          for (byte[] record = in.next(); record != null; record = in.next()) {
            out[(int) (FeatureRowCodec.eventTimestamp(record) - first)] = record;
          }
        }
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        throw new IllegalStateException("joined row " + (first + i) + " is missing from " + file(0, r)
            + " and its other lanes");
      }
    }
    return out;
  }

  /** Closes and deletes every range file. */
  @Override
  public void close() throws IOException {
    IOException failed = null;
    for (int l = 0; l < writers.length; l++) {
      for (int r = 0; r < ranges; r++) {
        try {
          writers[l][r].close();
          Files.deleteIfExists(file(l, r));
        } catch (IOException e) {
          failed = failed == null ? e : failed;
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
