package dev.larder.registry;

import dev.larder.core.v1.Registry;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads and writes the binary registry file. Writes are atomic (temp file, fsync, rename, fsync of the
 * directory) so that a reader, the server included, sees either the old registry or the new one, never a
 * torn file, and a killed writer leaves the old one in place.
 */
public final class RegistryFile {
  private RegistryFile() {}

  /** The registry at {@code path}, or empty when none was applied yet. */
  public static Optional<Registry> read(Path path) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Registry.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(path + ": not a valid registry file (" + e.getMessage() + ")", e);
    }
  }

  public static void write(Path path, Registry registry) throws IOException {
    writeAtomically(path, registry.toByteArray());
  }

  /** Writes {@code bytes} to {@code path} via a synced temp file and an atomic rename. */
  public static void writeAtomically(Path path, byte[] bytes) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
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

  /** Makes a rename in {@code dir} durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
