package dev.larder.materialize;

import dev.larder.online.OnlineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Builds a run's SST files on writer threads while the caller merges, so that the merge (Java) and SST
 * building (native: block encoding, LZ4, bloom filters; the larger cost) use every core of a small machine.
 * The sorted rows are cut into parts of about {@link #partBytes} consecutive keys; part p becomes file
 * {@code part-p.sst} and is written by thread {@code p % threads}, so two parts are built at once while
 * their key ranges stay disjoint and ordered. Rows travel in batches; the bytes in flight are bounded.
 */
final class PipelinedSink implements RowSink, AutoCloseable {
  private static final int BATCH = 4096;
  /** Part size: small enough that parts alternate between threads often, large enough for few files. */
  private static final long MAX_PART_BYTES = 32L << 20;

  private static final class Batch {
    final byte[][] keys = new byte[BATCH][];
    final byte[][] rows = new byte[BATCH][];
    final int part;
    int size;
    int bytes;
    boolean lastOfPart;
    boolean end;

    Batch(int part) {
      this.part = part;
    }
  }

  private final Path dir;
  private final OnlineOptions options;
  private final long partBytes;
  private final List<BlockingQueue<Batch>> queues = new ArrayList<>();
  private final List<Thread> writers = new ArrayList<>();
  /** Row bytes queued but not yet written, in KiB; bounds the heap held by batches in flight. */
  private final Semaphore inFlightKib;
  private final int inFlightLimitKib;
  private final TreeMap<Integer, String> files = new TreeMap<>();
  private volatile Throwable failure;
  private int part;
  private long bytesInPart;
  private Batch current = new Batch(0);

  PipelinedSink(Path dir, OnlineOptions options, String name, int threads) {
    this.dir = dir;
    this.options = options;
    this.partBytes = Math.max(4096, Math.min(options.sstFileBytes(), MAX_PART_BYTES));
    this.inFlightLimitKib = (int) Math.max(4096, 2 * threads * partBytes / 1024);
    this.inFlightKib = new Semaphore(inFlightLimitKib);
    for (int i = 0; i < threads; i++) {
      BlockingQueue<Batch> q = new LinkedBlockingQueue<>();
      queues.add(q);
      Thread t = new Thread(() -> drain(q), "larder-sst-writer-" + name + "-" + i);
      t.setDaemon(true);
      writers.add(t);
    }
    writers.forEach(Thread::start);
  }

  private void drain(BlockingQueue<Batch> queue) {
    SstSink sink = null;
    try {
      for (Batch b; !(b = queue.take()).end; ) {
        if (failure == null) {
          if (sink == null) {
            sink = new SstSink(dir.resolve(String.format("part-%05d.sst", b.part)), options);
          }
          for (int i = 0; i < b.size; i++) {
            sink.put(b.keys[i], b.rows[i]);
          }
          if (b.lastOfPart) {
            String file = sink.finish();
            sink.close();
            sink = null;
            if (file != null) {
              synchronized (files) {
                files.put(b.part, file);
              }
            }
          }
        }
        inFlightKib.release(kib(b));
      }
    } catch (Throwable t) {
      if (failure == null) {
        failure = t;
      }
      inFlightKib.release(inFlightLimitKib); // never leave the merging thread waiting for a dead writer
    } finally {
      if (sink != null) {
        sink.close();
      }
    }
  }

  private static int kib(Batch b) {
    return Math.max(1, b.bytes >>> 10);
  }

  @Override
  public void put(byte[] key, byte[] row) throws IOException {
    current.keys[current.size] = key;
    current.rows[current.size] = row;
    current.size++;
    int bytes = key.length + row.length;
    current.bytes += bytes;
    bytesInPart += bytes;
    if (bytesInPart >= partBytes) {
      current.lastOfPart = true;
      send(current);
      part++;
      bytesInPart = 0;
      current = new Batch(part);
    } else if (current.size == BATCH) {
      send(current);
      current = new Batch(part);
    }
  }

  private void send(Batch b) throws IOException {
    try {
      while (!inFlightKib.tryAcquire(kib(b), 100, TimeUnit.MILLISECONDS)) {
        rethrow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing SST files", e);
    }
    rethrow();
    queues.get(b.part % queues.size()).add(b);
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

  /** Waits until every row is in a finished SST file; returns the files in key order. */
  List<String> finish() throws IOException {
    current.lastOfPart = true;
    send(current);
    stopWriters();
    rethrow();
    synchronized (files) {
      return new ArrayList<>(files.values());
    }
  }

  private void stopWriters() throws IOException {
    for (BlockingQueue<Batch> q : queues) {
      Batch end = new Batch(-1);
      end.end = true;
      q.add(end);
    }
    for (Thread t : writers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing SST files", e);
      }
    }
  }

  /** Stops the writer threads if the merge failed; files they wrote are removed with the run's folder. */
  @Override
  public void close() {
    if (writers.stream().anyMatch(Thread::isAlive)) {
      failure = failure != null ? failure : new IOException("run aborted");
      for (BlockingQueue<Batch> q : queues) {
        q.clear();
        Batch end = new Batch(-1);
        end.end = true;
        q.add(end);
      }
      for (Thread t : writers) {
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
