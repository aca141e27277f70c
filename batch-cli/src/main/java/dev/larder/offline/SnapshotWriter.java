package dev.larder.offline;

import dev.larder.disk.AtomicFile;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes one snapshot so that readers see either the old file or the complete new one: rows go to a temp file
 * under the view's {@code _tmp/} folder, which {@link #commit()} fsyncs and renames over the final path.
 * Closing without committing deletes the temp file; a killed process leaves only the temp file, which
 * {@link OfflineStore} deletes on a later run.
 */
public final class SnapshotWriter implements AutoCloseable {
  private final Path tmp;
  private final Path target;
  private final RowWriter writer;
  private boolean finished;
  private boolean committed;

  SnapshotWriter(Path tmpDir, Path target, RowSchema schema) throws IOException {
    this.target = target;
    this.tmp = tmpDir.resolve(target.getFileName().toString().replace(".parquet", "")
        + "-" + UUID.randomUUID() + ".parquet");
    this.writer = RowWriters.parquet(tmp, schema);
  }

  public void write(Object[] row) throws IOException {
    writer.write(row);
  }

  public long rows() {
    return writer.rows();
  }

  /** The file the snapshot will have once committed. */
  public Path target() {
    return target;
  }

  /**
   * Completes and fsyncs the temp file, freeing the writer's buffers, without making the snapshot visible:
   * a run writing many snapshots can finish each one early and commit them all once everything succeeded.
   */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    writer.close();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes the snapshot durable and visible, replacing any previous snapshot for the same time. */
  public void commit() throws IOException {
    if (committed) {
      return;
    }
    finish();
    boolean newFolder = !Files.isDirectory(target.getParent());
    Files.createDirectories(target.getParent());
    if (newFolder) {
      AtomicFile.syncDirectory(target.getParent().getParent());
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(target.getParent() + ": the file system cannot rename atomically", e);
    }
    AtomicFile.syncDirectory(target.getParent());
    committed = true;
  }

  /** Abandons the snapshot unless it was committed. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    try {
      if (!finished) {
        finished = true;
        writer.close();
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
