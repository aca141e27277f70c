package dev.larder.compute;

import dev.larder.offline.OfflineStore;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The snapshots one run writes for one view: one open Parquet writer per as-of time, so that all of them are
 * filled in a single pass over the events. Files are written under the view's {@code _tmp/} folder;
 * {@link #finish()} closes them (freeing the writers' buffers while later views are computed) and
 * {@link #commit()}, called once the whole run has succeeded, fsyncs them and renames each atomically into
 * its place in the offline store layout. Closing an uncommitted set deletes its temp files; a killed run
 * leaves only temp files, which the next run of the view deletes.
 *
 * <p>(This does what {@link dev.larder.offline.SnapshotWriter} does, split into finish and commit, because a
 * run over several views must hold its snapshots back until every view is done without keeping every
 * writer's row-group buffer in the heap.)
 */
final class SnapshotSet implements AutoCloseable {
  private final ViewJob job;
  private final long[] asOfs;
  private final long created;
  private final List<ParquetRowWriter> writers = new ArrayList<>();
  private final List<Path> temps = new ArrayList<>();
  private final List<Path> targets = new ArrayList<>();
  private final Object[] row;
  private final int features;
  private long rows;
  private boolean finished;
  private boolean committed;

  SnapshotSet(OfflineStore store, ViewJob job, long[] asOfs, long created) throws IOException {
    this.job = job;
    this.asOfs = asOfs;
    this.created = created;
    this.row = new Object[job.snapshotSchema().size()];
    this.features = job.keyNames().size() + 2;
    Path tmpDir = store.viewDir(job.name()).resolve(OfflineStore.TMP);
    Files.createDirectories(tmpDir);
    try {
      for (long t : asOfs) {
        Path target = store.snapshotPath(job.name(), t);
        Path tmp = tmpDir.resolve(target.getFileName().toString().replace(".parquet", "")
            + "-" + UUID.randomUUID() + ".parquet");
        targets.add(target);
        temps.add(tmp);
        writers.add(new ParquetRowWriter(tmp, job.snapshotSchema()));
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Writes the row of entity {@code key} at as-of index {@code asOf}; rows of a snapshot come in any order. */
  void write(Object key, int asOf, Object[] values) throws IOException {
    job.writeKey(key, row);
    row[features - 2] = asOfs[asOf];
    row[features - 1] = created;
    System.arraycopy(values, 0, row, features, values.length);
    writers.get(asOf).write(row);
    rows++;
  }

  long rows() {
    return rows;
  }

  int snapshots() {
    return writers.size();
  }

  List<Path> targets() {
    return targets;
  }

  /** Completes the temp files; nothing is visible yet. */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    for (ParquetRowWriter w : writers) {
      w.close();
    }
  }

  /** Makes every snapshot durable and visible, each replacing any previous snapshot of the same time. */
  void commit() throws IOException {
    finish();
    for (Path tmp : temps) {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    Set<Path> dirs = new LinkedHashSet<>();
    for (int i = 0; i < temps.size(); i++) {
      Path target = targets.get(i);
      Files.createDirectories(target.getParent());
      try {
        Files.move(temps.get(i), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(target.getParent() + ": the file system cannot rename atomically", e);
      }
      dirs.add(target.getParent());
    }
    for (Path d : dirs) {
      RegistryFile.syncDirectory(d);
    }
    committed = true;
  }

  /** Abandons the snapshots unless they were committed. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    try {
      if (!finished) {
        finished = true;
        for (ParquetRowWriter w : writers) {
          try {
            w.close();
          } catch (IOException | RuntimeException ignored) {
            // the temp file is deleted below anyway
          }
        }
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }
}
