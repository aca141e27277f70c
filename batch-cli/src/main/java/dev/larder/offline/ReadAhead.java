package dev.larder.offline;

import dev.larder.tasks.Tasks;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Decodes batches on a thread of its own, a few batches ahead of the caller, so that decoding runs on one core
 * while the caller works on the other. A fixed set of batches circulates between the two threads (depth + 1),
 * so nothing is allocated per batch. The raw history reader and the columnar source reader both read this way.
 */
final class ReadAhead<B> implements AutoCloseable {
  /** What the reader thread does. */
  interface Decoder<B> {
    /** Fills {@code batch} with the next rows and returns how many; 0 at the end. */
    int fill(B batch) throws IOException;

    /** Where decoding is, as the prefix of a message about an unexpected failure ({@code "file: "}), or "". */
    String where();

    /** Releases what decoding holds open; called on the reader thread when it stops. */
    void finish();
  }

  private record Filled<B>(B batch, int size, IOException error) {}

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
  ReadAhead(int depth, Supplier<B> newBatch, Decoder<B> decoder, String threadName, String reading) {
    this.depth = depth;
    this.newBatch = newBatch;
    this.decoder = decoder;
    this.threadName = threadName;
    this.reading = reading;
  }

  /** The next filled batch, or null at the end; the first call starts the reader thread. */
  B next() throws IOException {
    if (done) {
      return null;
    }
    if (producer == null) {
      for (int i = 0; i < depth + 1; i++) {
        free.add(newBatch.get());
      }
      producer = new Thread(this::produce, threadName);
      producer.setDaemon(true);
      producer.start();
    }
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
        B b = free.take();
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
        full.put(new Filled<>(b, size, error));
        if (size == 0 || error != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    } finally {
      decoder.finish();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (producer == null) {
      return;
    }
    Tasks.stop(producer);
  }
}
