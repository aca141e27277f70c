package dev.larder.tasks;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one read-ahead of the batch engines: decodes batches on a thread of its own, a few batches ahead of the
 * caller, so that decoding runs on one core while the caller works on the other. A fixed set of batches
 * circulates between the two threads (depth + 1), so memory is bounded and nothing is allocated per batch. The
 * raw history reader and the columnar source reader use it directly; {@link RowsAhead} puts rows through it.
 *
 * <p>The reader thread is never interrupted: an interrupt closes the NIO channel a Parquet read is using. It
 * checks for {@link #close} between batches instead.
 */
public final class ReadAhead<B> implements AutoCloseable {
  /** What the reader thread does. */
  public interface Decoder<B> {
    /** Fills {@code batch} with the next rows and returns how many; 0 at the end. */
    int fill(B batch) throws IOException;

    /** Where decoding is, as the prefix of a message about an unexpected failure ({@code "file: "}), or "". */
    String where();

    /** Releases what decoding holds open; called once, when reading stops (at the end, a failure or close). */
    void finish();

    /** Whether reading can go on after {@code e} (one bad row of a source); by default a failure ends it. */
    default boolean continuesAfter(IOException e) {
      return false;
    }
  }

  private record Filled<B>(B batch, int size, IOException error, boolean continues) {}

  private final int depth;
  private final Supplier<B> newBatch;
  private final Decoder<B> decoder;
  private final String threadName;
  private final String reading;
  private final BlockingQueue<B> free = new LinkedBlockingQueue<>();
  private final BlockingQueue<Filled<B>> full = new LinkedBlockingQueue<>();
  private Thread producer;
  private B lent;
  private boolean done;
  private volatile boolean closed;

  /** @param reading what is read, for the message of an interrupted wait ("a source") */
  public ReadAhead(int depth, Supplier<B> newBatch, Decoder<B> decoder, String threadName, String reading) {
    this.depth = depth;
    this.newBatch = newBatch;
    this.decoder = decoder;
    this.threadName = threadName;
    this.reading = reading;
  }

  /** Starts the reader thread now rather than at the first {@link #next}, so that decoding overlaps set-up. */
  public void start() {
    if (producer == null) {
      for (int i = 0; i < depth + 1; i++) {
        free.add(newBatch.get());
      }
      producer = new Thread(this::produce, threadName);
      producer.setDaemon(true);
      producer.start();
    }
  }

  /**
   * The next filled batch, or null at the end. A failure of the decoder is thrown here, in order after the
   * batches before it; after a failure the decoder {@link Decoder#continuesAfter continues after}, the next call
   * goes on with the batches after it.
   */
  public B next() throws IOException {
    if (done) {
      return null;
    }
    start();
    if (lent != null) {
      free.add(lent);
      lent = null;
    }
    Filled<B> f;
    try {
      f = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + reading, e);
    }
    if (f.error() != null) {
      free.add(f.batch());
      if (f.continues()) {
        throw f.error();
      }
      done = true;
      throw new IOException(f.error().getMessage(), f.error());
    }
    if (f.size() == 0) {
      done = true;
      return null;
    }
    lent = f.batch();
    return lent;
  }

  private void produce() {
    try {
      while (!closed) {
        B b = free.poll(100, TimeUnit.MILLISECONDS);
        if (b == null) {
          continue; // the caller is busy with every batch; look at closed again
        }
        int size = 0;
        IOException error = null;
        try {
          size = decoder.fill(b);
        } catch (IOException e) {
          error = e;
        } catch (RuntimeException | Error e) {
          // An error too (a codec's native library failing to load): the caller must hear of it, not wait
          error = new IOException(decoder.where() + e, e);
        }
        boolean continues = error != null && decoder.continuesAfter(error);
        full.add(new Filled<>(b, size, error, continues));
        if (size == 0 && error == null || error != null && !continues) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // nobody interrupts this thread; end it all the same
    } finally {
      decoder.finish();
    }
  }

  /** Stops the reader thread and waits for it, so that nothing reads after close returns. */
  @Override
  public void close() {
    closed = true;
    if (producer == null) {
      decoder.finish();
      return;
    }
    Tasks.join(producer);
  }
}
