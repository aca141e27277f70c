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
 *
 * <p>The same RocksDB holds the offline log of acknowledged pushes: a key {@code 0x00} + int64 sequence
 * (big-endian), whose value is the pushed version's key as above, then its row. Sequences are given in commit
 * order, and a version is logged only the first time it is written. Entity keys are never empty, so every
 * version key starts with a non-zero byte and the log sorts before all of them. {@link #LOGGED} (beside the
 * folder) holds the highest sequence committed to the offline store; log entries up to it may be deleted.
 */
public final class FreshLayout {
  public static final String FOLDER = "fresh";

  private FreshLayout() {}

  public static final String LOGGED = "fresh.logged";
  /** The first byte of every log key. */
  public static final byte LOG = 0;

  public static Path freshDir(Path versionDir) {
    return versionDir.resolve(FOLDER);
  }

  /** The file holding the highest log sequence committed to the offline store. */
  public static Path loggedFile(Path versionDir) {
    return versionDir.resolve(LOGGED);
  }

  /**
   * Where a stream consumer keeps its next offset of one partition, written in the same batch as the rows it
   * consumed: {@code 0x00}, eight {@code 0xFF} bytes (after every log key, which never reaches them), then
   * {@code topic/partition} in UTF-8. The value is the int64 offset, big-endian.
   */
  public static byte[] offsetKey(String topic, int partition) {
    byte[] name = (topic + "/" + partition).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] k = new byte[9 + name.length];
    k[0] = LOG;
    Arrays.fill(k, 1, 9, (byte) 0xFF);
    System.arraycopy(name, 0, k, 9, name.length);
    return k;
  }

  /** The log key of sequence {@code seq}. */
  public static byte[] logKey(long seq) {
    byte[] k = new byte[9];
    k[0] = LOG;
    for (int i = 0; i < 8; i++) {
      k[1 + i] = (byte) (seq >>> (56 - 8 * i));
    }
    return k;
  }

  public static boolean isLogKey(byte[] key) {
    return key.length == 9 && key[0] == LOG;
  }

  public static long logSequence(byte[] logKey) {
    return FeatureRowCodec.readLong(logKey, 1);
  }

  /** A log value: the version key (length-prefixed), then the row. */
  public static byte[] logValue(byte[] versionKey, byte[] row) {
    ByteWriter w = new ByteWriter(versionKey.length + row.length + 5);
    w.writeVarint(versionKey.length);
    w.write(versionKey, 0, versionKey.length);
    w.write(row, 0, row.length);
    return w.toByteArray();
  }

  /** Splits a log value into the version key and the row. */
  public static byte[][] splitLogValue(byte[] value) {
    ByteReader r = new ByteReader(value, 0, value.length);
    int n = (int) r.readVarint();
    int start = r.position();
    return new byte[][] {Arrays.copyOfRange(value, start, start + n), Arrays.copyOfRange(value, start + n, value.length)};
  }

  /** The entity key inside a version key. */
  public static byte[] entityKey(byte[] versionKey) {
    ByteReader r = new ByteReader(versionKey, 0, versionKey.length);
    int n = (int) r.readVarint();
    int start = r.position();
    return Arrays.copyOfRange(versionKey, start, start + n);
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
