package dev.larder.compute;

import dev.larder.offline.Manifest;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.SnapshotWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The snapshots one run writes for one view: one {@link SnapshotWriter} per as-of time, so that all of them
 * are filled in a single pass over the events. {@link #finish()} completes the temp files (freeing the
 * writers' buffers while later views are computed) and {@link #commit()}, called once the whole run has
 * succeeded, renames each into place. Closing an uncommitted set deletes its temp files.
 *
 * <p>Rows are encoded on a thread of their own: Parquet encoding costs about as much CPU as computing the
 * aggregates, so on two cores the two overlap. Rows travel in batches through a short queue, which bounds
 * the memory they take to a few thousand rows. That thread also opens the writers, while the events are read:
 * the first Parquet writer of a process loads a few hundred classes, which took a tenth of a one-snapshot run
 * when done up front. A failure to open one is reported at the first hand-over or at {@link #finish()}.
 */
final class SnapshotSet implements AutoCloseable {
  private static final int BATCH = 4096;
  private static final int QUEUED_BATCHES = 4;

  /** Rows for the writer thread; an empty batch ends the stream. */
  private record Batch(int[] asOf, Object[][] rows, int size) {}

  private final ViewJob job;
  private final long[] asOfs;
  private final long created;
  private final int width;
  private final int features;
  private final OfflineStore store;
  private final long sequence;
  /** Filled by the writer thread; read by others only after joining it. */
  private final List<SnapshotWriter> writers = new ArrayList<>();
  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private Thread thread;
  private volatile Throwable failure;
  private long rows;
  private boolean finished;
  private boolean committed;

  SnapshotSet(OfflineStore store, ViewJob job, long[] asOfs, long created, long sequence) {
    this.store = store;
    this.sequence = sequence;
    this.job = job;
    this.asOfs = asOfs;
    this.created = created;
    this.width = job.snapshotSchema().size();
    this.features = job.keyNames().size() + 2;
    this.thread = new Thread(this::openAndDrain, "larder-write-" + job.name());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A new sink for the rows of one aggregating thread (rows of a snapshot come in any order); flush it after
   * its last row. Sinks of different threads may be used at the same time.
   */
  Partition.RowSink sink() {
    return new Partition.RowSink() {
      private int[] asOfIndex = new int[BATCH];
      private Object[][] rows = new Object[BATCH][];
      private int size;

      @Override
      public void accept(Object key, int asOf, Object[] values) throws IOException {
        Object[] row = new Object[width];
        job.writeKey(key, row);
        row[features - 2] = asOfs[asOf];
        row[features - 1] = created;
        System.arraycopy(values, 0, row, features, values.length);
        asOfIndex[size] = asOf;
        rows[size++] = row;
        if (size == BATCH) {
          flush();
        }
      }

      @Override
      public void flush() throws IOException {
        if (size > 0) {
          handOver(new Batch(asOfIndex, rows, size));
          asOfIndex = new int[BATCH];
          rows = new Object[BATCH][];
          size = 0;
        }
      }
    };
  }

  private void handOver(Batch b) throws IOException {
    checkFailure();
    put(b);
  }

  private void put(Batch b) throws IOException {
    try {
      queue.put(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing snapshots of view '" + job.name() + "'");
    }
  }

  /**
   * The writer thread: opens the writers, then encodes batches until the empty one; after a failure it only
   * drains the queue.
   */
  private void openAndDrain() {
    try {
      for (long t : asOfs) {
        writers.add(store.writer(job.name(), job.version(), t, job.snapshotSchema(), sequence));
      }
    } catch (Throwable t) {
      failure = t;
    }
    while (true) {
      Batch b;
      try {
        b = queue.take();
      } catch (InterruptedException e) {
        failure = e;
        return;
      }
      if (b.size() == 0) {
        return;
      }
      if (failure != null) {
        continue;
      }
      try {
        for (int i = 0; i < b.size(); i++) {
          writers.get(b.asOf()[i]).write(b.rows()[i]);
        }
        rows += b.size();
      } catch (Throwable t) {
        failure = t;
      }
    }
  }

  /** Ends the writer thread after it wrote everything queued (sinks must have been flushed). */
  private synchronized void stopThread() throws IOException {
    if (thread == null) {
      return;
    }
    put(new Batch(null, null, 0));
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing snapshots of view '" + job.name() + "'");
    }
    thread = null;
  }

  private void checkFailure() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException io) {
      throw new IOException(io.getMessage(), io);
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IOException("writing snapshots of view '" + job.name() + "' failed: " + t, t);
    }
  }

  /** Rows written; final once {@link #finish()} returned. */
  long rows() {
    return rows;
  }

  int snapshots() {
    return asOfs.length;
  }

  /** Completes and fsyncs the temp files; nothing is visible yet. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    stopThread();
    checkFailure();
    for (SnapshotWriter w : writers) {
      w.finish();
    }
  }

  /**
   * Moves every snapshot to its final, unique name (durably). They stay invisible to readers until the run's
   * manifest and commit marker name them (see {@link dev.larder.offline.CommitLog}).
   */
  void commit() throws IOException {
    finish();
    for (SnapshotWriter w : writers) {
      w.commit();
    }
    committed = true;
  }

  String view() {
    return job.name();
  }

  /** The view version the snapshots are computed for. */
  long version() {
    return job.version();
  }

  long sequence() {
    return sequence;
  }

  /** Rows of each snapshot by as-of time; after {@link #finish()}. */
  java.util.Map<Long, Long> rowsByTime() {
    java.util.Map<Long, Long> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < writers.size(); i++) {
      out.put(asOfs[i], writers.get(i).rows());
    }
    return out;
  }

  /** The staged snapshots as manifest entries, paths relative to {@code viewDir}; after {@link #commit()}. */
  List<Manifest.Entry> entries(java.nio.file.Path viewDir) throws IOException {
    List<Manifest.Entry> out = new ArrayList<>();
    for (int i = 0; i < writers.size(); i++) {
      java.nio.file.Path f = writers.get(i).target();
      out.add(new Manifest.Entry(asOfs[i], viewDir.relativize(f).toString().replace('\\', '/'), java.nio.file.Files.size(f),
          writers.get(i).rows()));
    }
    return out;
  }

  /** Abandons the snapshots unless they were committed. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    try {
      finished = true;
      stopThread();
    } finally {
      for (SnapshotWriter w : writers) {
        try {
          w.close();
        } catch (IOException | RuntimeException ignored) {
          // temp files only; the next run of the view deletes them
        }
      }
    }
  }
}
