package dev.larder.online;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands merged rows to a second thread that builds the SST files, so that the merge (Java) and SST
 * building (native: block encoding, LZ4, bloom filters) use both cores of a small machine. Rows travel in
 * batches through a short queue, which bounds the memory in flight to a few batches.
 */
final class PipelinedSink implements RowSink, AutoCloseable {
  private static final int BATCH = 4096;
  private static final Batch END = new Batch();

  private static final class Batch {
    final byte[][] keys = new byte[BATCH][];
    final byte[][] rows = new byte[BATCH][];
    int size;
  }

  private final SstSink sst;
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(8);
  private final Thread writer;
  private volatile Throwable failure;
  private Batch current = new Batch();

  PipelinedSink(SstSink sst, String name) {
    this.sst = sst;
    this.writer = new Thread(this::drain, "larder-sst-writer-" + name);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  private void drain() {
    try {
      for (Batch b; (b = queue.take()) != END; ) {
        if (failure == null) {
          for (int i = 0; i < b.size; i++) {
            sst.put(b.keys[i], b.rows[i]);
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
      queue.clear();
    }
  }

  @Override
  public void put(byte[] key, byte[] row) throws IOException {
    current.keys[current.size] = key;
    current.rows[current.size] = row;
    if (++current.size == BATCH) {
      send(current);
      current = new Batch();
    }
  }

  private void send(Batch b) throws IOException {
    try {
      while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
        rethrow();
        if (!writer.isAlive()) {
          throw new IOException("the SST writer thread stopped");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing SST files", e);
    }
    rethrow();
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t != null) {
      throw new IOException("writing SST files failed: " + t, t);
    }
  }

  /** Waits until every row is in an SST file; then the SstSink can be finished on this thread. */
  void flush() throws IOException {
    if (current.size > 0) {
      send(current);
      current = new Batch();
    }
    send(END);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing SST files", e);
    }
    rethrow();
  }

  /** Stops the writer thread if the merge failed; the SstSink is closed by its owner. */
  @Override
  public void close() {
    if (writer.isAlive()) {
      failure = failure != null ? failure : new IOException("run aborted");
      queue.clear();
      queue.offer(END);
      try {
        writer.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
