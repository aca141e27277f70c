package dev.larder.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Checks that a location can be reached and used the way Larder uses it, before a nightly run finds out:
 * whether it (or, for a location still to be created, its nearest existing parent) exists, can be listed,
 * and, for locations Larder writes, whether a small probe file can be created and deleted there. One check
 * costs a few requests (a status, a listing, a put and a delete), and the probe is removed again.
 */
public final class StorageCheck {
  /** How Larder uses a location: read only (sources, entity rows) or also written (stores, outputs). */
  public enum Use { READ, WRITE }

  /** The outcome for one location: ok, and what was found (or the error, with secrets removed). */
  public record Result(String what, DataLocation location, Use use, boolean ok, String found) {}

  private final Storage storage;

  public StorageCheck(Storage storage) {
    this.storage = storage;
  }

  public Result check(String what, DataLocation location, Use use) {
    try {
      String found = location.isLocal() ? local(location.localPath(), use) : remote(location, use);
      return new Result(what, location, use, true, found);
    } catch (IOException | RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new Result(what, location, use, false, storage.settings().redact(message));
    }
  }

  private static String local(Path p, Use use) throws IOException {
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IOException(p + ": neither it nor any parent folder exists");
    }
    String state = existing.equals(p) ? (Files.isDirectory(p) ? "folder exists" : "file exists")
        : "does not exist yet; " + existing + " does";
    if (!Files.isReadable(existing)) {
      throw new IOException(existing + ": permission denied (cannot read)");
    }
    if (use == Use.WRITE) {
      Path dir = Files.isDirectory(existing) ? existing : existing.getParent();
      Path probe = dir.resolve(".larder-check-" + UUID.randomUUID());
      try {
        Files.writeString(probe, "probe");
      } catch (IOException e) {
        throw new IOException(dir + ": permission denied (cannot create a file: " + e.getMessage() + ")");
      } finally {
        Files.deleteIfExists(probe);
      }
      return state + "; readable and writable";
    }
    return state + "; readable";
  }

  private String remote(DataLocation location, Use use) throws IOException {
    FileSystem fs = storage.fileSystem(location);
    org.apache.hadoop.fs.Path p = Storage.path(location);
    org.apache.hadoop.fs.Path existing = p;
    FileStatus status = null;
    try {
      while (existing != null && status == null) {
        try {
          status = fs.getFileStatus(existing);
        } catch (java.io.FileNotFoundException e) {
          existing = existing.getParent();
        }
      }
      if (status == null) {
        throw new java.io.FileNotFoundException("nothing exists at or above it");
      }
      String state = existing.equals(p) ? (status.isDirectory() ? "folder exists" : "file exists")
          : "does not exist yet (" + (existing.isRoot() ? "the bucket or file system root" : existing.toString()) + " does)";
      int entries = status.isDirectory() ? fs.listStatus(existing).length : 1;
      state += "; listed (" + entries + " entr" + (entries == 1 ? "y" : "ies") + ")";
      if (use == Use.WRITE) {
        org.apache.hadoop.fs.Path dir = status.isDirectory() ? existing : existing.getParent();
        org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(dir, "_larder-check-" + UUID.randomUUID());
        try {
          fs.create(probe, false).close();
        } finally {
          fs.delete(probe, false);
        }
        state += "; a probe file was written and deleted";
      }
      return state;
    } catch (IOException | RuntimeException e) {
      throw storage.failure(location, "check failed", e);
    }
  }
}
