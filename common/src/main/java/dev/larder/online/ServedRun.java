package dev.larder.online;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * An opened run with a reference count: the store holds one reference while the run is current and each
 * {@link ViewData} handle holds one more. The RocksDB closes when the count reaches zero, never under a reader.
 */
final class ServedRun {
  private final long runId;
  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final FeatureLayout features;
  private final AtomicInteger refs = new AtomicInteger(1);

  private ServedRun(long runId, Path dir, Options options, RocksDB db, FeatureLayout features) {
    this.features = features;
    this.runId = runId;
    this.dir = dir;
    this.options = options;
    this.db = db;
  }

  static ServedRun open(Path runDir, long runId, OnlineOptions o, Cache cache) throws IOException {
    FeatureLayout features = FeatureLayout.read(runDir).orElse(null);
    Options options = RocksTuning.options(o, cache).setCreateIfMissing(false);
    try {
      return new ServedRun(runId, runDir, options, RocksDB.openReadOnly(options, runDir.toString(), false), features);
    } catch (RocksDBException e) {
      options.close();
      throw new IOException(runDir + ": cannot open online run (" + e.getMessage() + ")", e);
    }
  }

  long runId() {
    return runId;
  }

  Path dir() {
    return dir;
  }

  /** Takes a reference unless the run is already closed (then the caller looks up the current run again). */
  boolean retain() {
    while (true) {
      int r = refs.get();
      if (r == 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release() {
    int r = refs.decrementAndGet();
    if (r == 0) {
      db.close();
      options.close();
    } else if (r < 0) {
      throw new IllegalStateException("online run " + dir + " released more often than retained");
    }
  }

  long estimatedKeys() throws IOException {
    try {
      return db.getLongProperty("rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      throw new IOException(dir + ": " + e.getMessage(), e);
    }
  }

  byte[][] multiGet(List<byte[]> keys) throws IOException {
    if (keys.isEmpty()) {
      return new byte[0][]; // RocksDB's multiGetAsList asserts a non-empty list
    }
    try {
      return db.multiGetAsList(keys).toArray(new byte[0][]);
    } catch (RocksDBException e) {
      throw new IOException(dir + ": lookup failed (" + e.getMessage() + ")", e);
    }
  }

  /** A reader's handle: releases its reference once, however often it is closed. */
  ViewData lease() {
    return new Lease(this);
  }

  private static final class Lease implements ViewData {
    private final ServedRun run;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(ServedRun run) {
      this.run = run;
    }

    @Override
    public long runId() {
      return run.runId;
    }

    @Override
    public FeatureLayout features() {
      return run.features;
    }

    @Override
    public byte[][] multiGet(List<byte[]> keys) throws IOException {
      if (closed.get()) {
        throw new IllegalStateException("view data of " + run.dir + " used after close");
      }
      return run.multiGet(keys);
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        run.release();
      }
    }
  }
}
