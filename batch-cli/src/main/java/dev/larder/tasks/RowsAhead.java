package dev.larder.tasks;

import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;

/**
 * Another reader's rows, decoded ahead on a background thread through {@link ReadAhead}: source and snapshot
 * files (Parquet, CSV) are decoded on one core while the caller aggregates or joins on the other, and training
 * sets join the next block while the caller writes. Rows, their positions and errors arrive in order; a bad row
 * of a source ({@code continuesAfter}) is thrown as it was and the rows after it follow.
 */
public final class RowsAhead implements RowReader {
  static final int BATCH = 2048;
  static final int DEPTH = 4;

  /**
   * A reader that can say where its last row came from as a shared prefix and a number, cheaply, so that rows
   * decoded ahead keep exact positions; other readers' positions are those of the batch being decoded.
   */
  public interface Positioned extends RowReader {
    /** Position of the last row without its number, e.g. {@code events/a.parquet row }. */
    String positionPrefix();

    /** The last row's number in its file (Parquet) or the line it started on (CSV). */
    long ordinal();
  }

  /** Which failures of the underlying reader leave it able to go on (a bad cell of one row). */
  public interface Recoverable {
    boolean test(IOException e);
  }

  private static final class Batch {
    final Object[][] rows = new Object[BATCH][];
    final String[] prefixes = new String[BATCH];
    final long[] ordinals = new long[BATCH];
    int size;
    String position;
  }

  private final RowReader in;
  private final ReadAhead<Batch> ahead;
  private Batch batch;
  private int size;
  private int index;

  public RowsAhead(RowReader in, String threadName, Recoverable recoverable) {
    this.in = in;
    Positioned positioned = in instanceof Positioned p ? p : null;
    this.ahead = new ReadAhead<>(DEPTH, Batch::new, new ReadAhead.Decoder<>() {
      private IOException pending;

      @Override
      public int fill(Batch b) throws IOException {
        if (pending != null) {
          IOException e = pending;
          pending = null;
          throw e;
        }
        int n = 0;
        try {
          for (Object[] row; n < BATCH && (row = in.next()) != null; n++) {
            b.rows[n] = row;
            if (positioned != null) {
              b.prefixes[n] = positioned.positionPrefix();
              b.ordinals[n] = positioned.ordinal();
            }
          }
        } catch (IOException e) {
          if (n == 0) {
            throw e;
          }
          pending = e; // the rows before it first
        }
        b.position = positioned == null ? in.position() : null;
        b.size = n;
        return n;
      }

      @Override
      public String where() {
        return in.position() + ": ";
      }

      @Override
      public void finish() {
        try {
          in.close();
        } catch (IOException ignored) {
          // nothing more is read anyway
        }
      }

      @Override
      public boolean continuesAfter(IOException e) {
        return recoverable.test(e);
      }
    }, threadName, "rows of " + threadName);
    ahead.start();
  }

  @Override
  public RowSchema schema() {
    return in.schema();
  }

  @Override
  public Object[] next() throws IOException {
    while (batch == null || index == size) {
      batch = ahead.next();
      if (batch == null) {
        return null;
      }
      size = batch.size;
      index = 0;
    }
    return batch.rows[index++];
  }

  @Override
  public String position() {
    if (batch == null || index == 0) {
      return in.position();
    }
    return batch.position != null ? batch.position : batch.prefixes[index - 1] + batch.ordinals[index - 1];
  }

  @Override
  public void close() throws IOException {
    ahead.close();
  }
}
