package dev.larder.pointintime;

import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Joined rows put back in input order after a join by time blocks ({@link TimeSortedRows}): each row is appended
 * to the file of its input row range, then the ranges are read back one at a time, each row placed at its row
 * number. Memory holds one range of encoded rows, decoded as they are handed out, sized to the budget; nothing
 * is sorted.
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
  private final RecordFile.Writer[] writers;
  /** The current range's records in row order, decoded one by one as they are handed out. */
  private byte[][] range;
  private int nextRange;
  private int pos;

  /**
   * @param rows how many rows will be added, numbered from 0
   * @param rangeRows rows per range, which must fit the memory budget
   */
  InputOrder(Path dir, RowSchema schema, long rows, int rangeRows) {
    this.dir = dir;
    this.codec = new FeatureRowCodec(schema.columns().stream().map(Column::type).toList());
    this.rows = rows;
    this.rangeRows = rangeRows;
    int ranges = (int) Math.max(1, (rows + rangeRows - 1) / rangeRows);
    int buffer = (int) Math.max(64 * 1024, Math.min(1 << 20, (64L << 20) / ranges));
    this.writers = new RecordFile.Writer[ranges];
    for (int r = 0; r < ranges; r++) {
      writers[r] = new RecordFile.Writer(file(r), buffer);
    }
  }

  private Path file(int range) {
    return dir.resolve("joined-" + range + ".rows");
  }

  /** Adds the output row of input row {@code rowNumber}. */
  void add(long rowNumber, Object[] row) throws IOException {
    writers[(int) (rowNumber / rangeRows)].write(codec.encode(rowNumber, 0, row));
  }

  /** The next row in input order; call once all rows were added. Null at the end. */
  Object[] next() throws IOException {
    while (range == null || pos == range.length) {
      if (range != null) {
        Files.deleteIfExists(file(nextRange - 1));
        range = null;
      }
      if (nextRange == writers.length) {
        return null;
      }
      range = read(nextRange++);
      pos = 0;
    }
    byte[] record = range[pos];
    range[pos++] = null; // decoded only now, so that a range takes the heap of its bytes, not of its objects
    return codec.decodeJava(record);
  }

  private byte[][] read(int r) throws IOException {
    writers[r].close();
    long first = (long) r * rangeRows;
    byte[][] out = new byte[(int) Math.min(rangeRows, rows - first)][];
    if (writers[r].written()) {
      try (RecordFile.Reader in = new RecordFile.Reader(file(r), READ_BUFFER)) {
        for (byte[] record = in.next(); record != null; record = in.next()) {
          out[(int) (FeatureRowCodec.eventTimestamp(record) - first)] = record;
        }
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        throw new IllegalStateException("joined row " + (first + i) + " is missing from " + file(r));
      }
    }
    return out;
  }

  /** Closes and deletes every range file. */
  @Override
  public void close() throws IOException {
    IOException failed = null;
    for (int r = 0; r < writers.length; r++) {
      try {
        writers[r].close();
        Files.deleteIfExists(file(r));
      } catch (IOException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
