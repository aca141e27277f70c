package dev.larder.registry;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.disk.AtomicFile;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reads and writes the binary registry file. Writes are atomic (temp file, fsync, rename, fsync of the
 * directory) so that a reader, the server included, sees either the old registry or the new one, never a
 * torn file, and a killed writer leaves the old one in place.
 *
 * <p>The file is framed so that no reader can mistake an empty, truncated or foreign file for a registry
 * (an empty byte string is a valid, empty protobuf message, which once made a 0-byte file read as "nothing
 * applied yet"):
 *
 * <pre>
 *   8 bytes  magic "LARDREG\1" (the last byte is the format version)
 *   8 bytes  payload length, big-endian
 *   n bytes  the Registry protobuf
 *   4 bytes  CRC32C of the payload, big-endian
 * </pre>
 *
 * Files written before this framing (a bare {@code Registry} message) are still read when they look like
 * a registry {@code apply} wrote: version at least 1 and a history ending at that version. The next write
 * frames them.
 */
public final class RegistryFile {
  static final byte[] MAGIC = "LARDREG\1".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEADER = MAGIC.length + Long.BYTES;

  private RegistryFile() {}

  /**
   * The registry at {@code path}, or empty when the file does not exist (nothing applied yet).
   *
   * @throws IOException naming the file when it exists but is empty, truncated, fails its checksum or is not
   *     a registry at all
   */
  public static Optional<Registry> read(Path path) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(decode(path, bytes));
  }

  static Registry decode(Path path, byte[] bytes) throws IOException {
    if (bytes.length == 0) {
      throw refused(path, "the file is empty (0 bytes)");
    }
    if (!startsWithMagic(bytes)) {
      return legacy(path, bytes);
    }
    if (bytes.length < HEADER + Integer.BYTES) {
      throw refused(path, "the file is truncated (" + bytes.length + " bytes, shorter than its header)");
    }
    long length = ByteBuffer.wrap(bytes, MAGIC.length, Long.BYTES).getLong();
    long expected = HEADER + length + Integer.BYTES;
    if (length < 0 || expected != bytes.length) {
      throw refused(path, "the file is truncated or has trailing bytes (" + bytes.length
          + " bytes, the header announces " + expected + ")");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER, (int) length);
    int stored = ByteBuffer.wrap(bytes, bytes.length - Integer.BYTES, Integer.BYTES).getInt();
    if ((int) crc.getValue() != stored) {
      throw refused(path, "the checksum does not match (the file is corrupt)");
    }
    try {
      return Registry.parseFrom(ByteBuffer.wrap(bytes, HEADER, (int) length));
    } catch (InvalidProtocolBufferException e) {
      throw refused(path, "the content does not parse (" + e.getMessage() + ")");
    }
  }

  /** A registry written before the framing, accepted only when it has the shape {@code apply} gives it. */
  private static Registry legacy(Path path, byte[] bytes) throws IOException {
    Registry r;
    try {
      r = Registry.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw refused(path, "it is not a registry file (no Larder header, and not a registry of an older version: "
          + e.getMessage() + ")");
    }
    long last = r.getVersionsList().stream().mapToLong(RegistryVersion::getVersion).max().orElse(0);
    if (r.getVersion() < 1 || last != r.getVersion()) {
      throw refused(path, "it is not a registry file (no Larder header, and not a complete registry of an older"
          + " version)");
    }
    return r;
  }

  private static boolean startsWithMagic(byte[] bytes) {
    return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static IOException refused(Path path, String why) {
    return new IOException(path + ": not a valid registry file: " + why + "; restore it from a backup (Larder never"
        + " writes such a file) or move it away to start a new registry");
  }

  /** The framed bytes of {@code registry}. */
  static byte[] encode(Registry registry) {
    byte[] payload = registry.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return ByteBuffer.allocate(HEADER + payload.length + Integer.BYTES)
        .put(MAGIC).putLong(payload.length).put(payload).putInt((int) crc.getValue()).array();
  }

  /** Writes {@code registry} atomically; the caller holds the registry lock ({@link RegistryStore#lockFile()}). */
  public static void write(Path path, Registry registry) throws IOException {
    AtomicFile.write(path, encode(registry));
  }
}
