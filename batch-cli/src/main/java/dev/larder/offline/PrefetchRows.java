package dev.larder.offline;

import dev.larder.tasks.Tasks;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decodes rows of a source or of snapshot files on a background thread, a few batches ahead of the caller, so that Parquet and CSV
 * decoding runs in parallel with whatever the caller does with the rows (aggregating, joining). Memory stays
 * bounded: at most {@link #DEPTH} batches of {@link #BATCH} rows wait in the queue. Errors surface from
 * {@link #next()} in order, after the rows before them.
 */
final class PrefetchRows implements RowReader {
  static final int BATCH = 2048;
  static final int DEPTH = 4;

  private final FileRowStream in;
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread producer;
  private Batch batch;
  private int index;
  private volatile boolean closed;

  /** Rows, where each came from, or the error that ended the stream. */
  private record Batch(Object[][] rows, String[] prefixes, long[] ordinals, int size, IOException error) {}

  PrefetchRows(FileRowStream in, String name) {
    this.in = in;
    this.producer = new Thread(this::produce, "larder-read-" + name);
    this.producer.setDaemon(true);
    this.producer.start();
  }

  private void produce() {
    try {
      while (!closed) {
        Object[][] rows = new Object[BATCH][];
        String[] prefixes = new String[BATCH];
        long[] ordinals = new long[BATCH];
        int n = 0;
        IOException error = null;
        try {
          for (Object[] row; n < BATCH && (row = in.next()) != null; n++) {
            rows[n] = row;
            prefixes[n] = in.positionPrefix();
            ordinals[n] = in.ordinal();
          }
        } catch (IOException e) {
          error = e;
        } catch (RuntimeException | Error e) {
          // An error too: the caller must hear of it, not wait for a batch that never comes
          error = new IOException(in.position() + ": " + e, e);
        }
        queue.put(new Batch(rows, prefixes, ordinals, n, error));
        if (error instanceof BadCellException) {
          continue; // one bad row: the reader can go on after it, and the caller may skip it
        }
        if (n < BATCH || error != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    } finally {
      try {
        in.close();
      } catch (IOException ignored) {
        // nothing more can be read anyway
      }
    }
  }

  @Override
  public RowSchema schema() {
    return in.schema();
  }

  @Override
  public Object[] next() throws IOException {
    if (batch == null || index == batch.size()) {
      if (batch != null && batch.error() instanceof BadCellException bad) {
        batch = null; // the next call goes on with the rows after the bad one
        throw new BadCellException(bad.getMessage(), bad.column(), bad);
      }
      if (batch != null && (batch.size() < BATCH || batch.error() != null)) {
        if (batch.error() != null) {
          throw new IOException(batch.error().getMessage(), batch.error());
        }
        return null;
      }
      try {
        batch = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading " + in.schema(), e);
      }
      index = 0;
      return next();
    }
    return batch.rows()[index++];
  }

  @Override
  public String position() {
    if (batch == null || index == 0) {
      return in.position();
    }
    return batch.prefixes()[index - 1] + batch.ordinals()[index - 1];
  }

  @Override
  public void close() throws IOException {
    closed = true;
    queue.clear();
    Tasks.stop(producer);
  }
}
