package dev.larder.join;

import dev.larder.tasks.Tasks;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads another reader's rows on a background thread, in batches through a small bounded queue, so that decoding
 * files (Parquet, CSV) runs on one core while the join sorts and merges on another. Memory stays bounded by the
 * queue. Errors of the underlying reader are rethrown by {@link #next()} with their original message. Training
 * sets also use it to produce joined rows (and join the next block) while the caller writes the output.
 */
public final class PrefetchingReader implements RowReader {
  private static final int BATCH = 2048;
  private static final Object[][] END = new Object[0][];

  private final RowReader in;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile boolean closed;
  private Object[][] batch;
  private int pos;
  private boolean done;

  public PrefetchingReader(RowReader in) {
    this.in = in;
    this.thread = new Thread(this::pump, "larder-prefetch");
    thread.setDaemon(true);
    thread.start();
  }

  private void pump() {
    try {
      while (!closed) {
        Object[][] b = new Object[BATCH][];
        int n = 0;
        for (Object[] r; n < BATCH && (r = in.next()) != null; n++) {
          b[n] = r;
        }
        if (n > 0) {
          put(n == BATCH ? b : Arrays.copyOf(b, n));
        }
        if (n < BATCH) {
          put(END);
          return;
        }
      }
    } catch (Throwable t) {
      put(t);
    }
  }

  private void put(Object o) {
    try {
      while (!closed && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
        // the consumer is busy; check for close and retry
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public RowSchema schema() {
    return in.schema();
  }

  @Override
  public Object[] next() throws IOException {
    while (batch == null || pos >= batch.length) {
      if (done) {
        return null;
      }
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + in.position());
      }
      if (o instanceof IOException e) {
        throw new IOException(e.getMessage(), e);
      } else if (o instanceof UncheckedIOException e) {
        throw new IOException(e.getMessage(), e);
      } else if (o instanceof RuntimeException e) {
        throw e;
      } else if (o instanceof Error e) {
        throw e;
      } else if (o instanceof Throwable t) {
        throw new IOException(t);
      }
      batch = (Object[][]) o;
      pos = 0;
      done = batch == END;
    }
    return batch[pos++];
  }

  /** Where the background reader is, which may be a little ahead of the last row returned. */
  @Override
  public String position() {
    return in.position();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    queue.clear();
    Tasks.join(thread);
    in.close();
  }
}
