package dev.larder.online;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where and how pushed rows are kept: the fresh layer of a view version, one mutable RocksDB beside the
 * immutable runs ({@code <online>/<view>/v<version>/fresh/}), defined here so that the server that writes it
 * and any later reader (a materialization folding it in, housekeeping) agree on the bytes.
 *
 * <p>A RocksDB key is one pushed version of one entity:
 * <pre>
 *   varint  length of the entity key
 *   bytes   the entity key ({@link EntityKeyCodec})
 *   int64   the event timestamp in micros, sign bit flipped and all bits inverted, big-endian
 * </pre>
 * The length prefix keeps the versions of one entity contiguous whatever the entity key's length, and the
 * inverted timestamp sorts an entity's newest version first, so the value a lookup serves is the first key at
 * or after {@link #prefix}. The value is the row in {@link FeatureRowCodec}'s encoding. A push of the same
 * (entity, event time) writes the same key again, which is what makes pushes idempotent.
 */
public final class FreshLayout {
  public static final String FOLDER = "fresh";

  private FreshLayout() {}

  public static Path freshDir(Path versionDir) {
    return versionDir.resolve(FOLDER);
  }

  /** The bytes every version of {@code entityKey} starts with. */
  public static byte[] prefix(byte[] entityKey) {
    ByteWriter w = new ByteWriter(entityKey.length + 5);
    w.writeVarint(entityKey.length);
    w.write(entityKey, 0, entityKey.length);
    return w.toByteArray();
  }

  /** The key of {@code entityKey}'s version at {@code eventMicros}. */
  public static byte[] key(byte[] entityKey, long eventMicros) {
    ByteWriter w = new ByteWriter(entityKey.length + 13);
    w.writeVarint(entityKey.length);
    w.write(entityKey, 0, entityKey.length);
    w.writeLong(~(eventMicros ^ Long.MIN_VALUE));
    return w.toByteArray();
  }

  /** Whether {@code key} is a version of the entity whose {@link #prefix} is given. */
  public static boolean isVersionOf(byte[] key, byte[] prefix) {
    return key.length == prefix.length + 8 && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The event timestamp a key was written for. */
  public static long eventMicros(byte[] key) {
    return ~FeatureRowCodec.readLong(key, key.length - 8) ^ Long.MIN_VALUE;
  }

  /** The entity prefix of a key (its {@link #prefix}). */
  public static byte[] prefixOf(byte[] key) {
    return Arrays.copyOf(key, key.length - 8);
  }
}
