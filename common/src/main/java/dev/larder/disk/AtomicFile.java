package dev.larder.disk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a small file so that a reader sees the old bytes or the new ones, never a mix, and a crash leaves
 * one of the two: the registry, the online store's CURRENT pointers, offline manifests, commit markers and run
 * records are all written this way, by this one routine.
 */
public final class AtomicFile {
  private AtomicFile() {}

  /**
   * Writes {@code bytes} to {@code path} via a synced temp file and an atomic rename. Temp files of this path
   * left by a killed writer ({@code .<name>*.tmp}) are deleted first: every writer of a path holds the lock
   * that serializes its writers, so no other writer's temp file can be in use.
   */
  public static void write(Path path, byte[] bytes) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    deleteStaleTemps(dir, path.getFileName().toString());
    Path tmp = createTemp(dir, path.getFileName().toString());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
           OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
        out.write(bytes);
        out.flush();
        ch.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(dir + ": the file system cannot rename atomically", e);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A new empty temp file {@code .<name><digits>.tmp}, created with the process umask like every other file
   * Larder writes ({@code Files.createTempFile} would make it 0600, so the registry alone ended up private).
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    while (true) {
      Path p = dir.resolve("." + name + Long.toUnsignedString(random.nextLong()) + ".tmp");
      try {
        return Files.createFile(p);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // try another name
      }
    }
  }

  /** Deletes {@code .<name>*.tmp} in {@code dir}: temp files of killed writers of {@code name}. */
  public static int deleteStaleTemps(Path dir, String name) throws IOException {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> {
      String f = p.getFileName().toString();
      return f.startsWith("." + name) && f.endsWith(".tmp")
          && f.substring(name.length() + 1, f.length() - 4).matches("[0-9]+") && Files.isRegularFile(p);
    })) {
      for (Path p : ds) {
        if (Files.deleteIfExists(p)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Makes a rename in {@code dir} durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
