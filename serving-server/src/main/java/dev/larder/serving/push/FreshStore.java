package dev.larder.serving.push;

import dev.larder.online.FreshLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The fresh layer of one view version: a mutable RocksDB in {@link FreshLayout}'s format, written by pushes
 * and read by lookups. Every write is one {@link WriteBatch} with {@code sync}: RocksDB appends the batch to
 * its write-ahead log and fsyncs it before {@link #write} returns, and a batch is recovered whole or not at
 * all after a crash. Concurrent writers are grouped by RocksDB's write queue: the leader of a group appends
 * every waiting batch and fsyncs once for all of them (group commit), so concurrent pushes share fsyncs.
 */
final class FreshStore implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions durable = new WriteOptions().setSync(true);

  private FreshStore(Path dir, Options options, RocksDB db) {
    this.dir = dir;
    this.options = options;
    this.db = db;
  }

  /** Opens (creating if needed) the fresh layer in {@code dir}, replaying its write-ahead log. */
  static FreshStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Options options = new Options()
        .setCreateIfMissing(true)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL)
        .setKeepLogFileNum(2);
    try {
      return new FreshStore(dir, options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException e) {
      options.close();
      throw new IOException("cannot open the fresh layer " + dir + ": " + e.getMessage(), e);
    }
  }

  Path dir() {
    return dir;
  }

  /** Writes {@code keys[i] -> rows[i]} atomically and durably (fsync'd WAL) before returning. */
  void write(List<byte[]> keys, List<byte[]> rows) throws IOException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < keys.size(); i++) {
        batch.put(keys.get(i), rows.get(i));
      }
      db.write(durable, batch);
    } catch (RocksDBException e) {
      throw new IOException("writing to the fresh layer " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** The newest row of each entity key, or null; one iterator (one consistent view) for all of them. */
  byte[][] newest(List<byte[]> entityKeys) {
    byte[][] out = new byte[entityKeys.size()][];
    try (ReadOptions ro = new ReadOptions().setTotalOrderSeek(true); RocksIterator it = db.newIterator(ro)) {
      for (int i = 0; i < out.length; i++) {
        byte[] prefix = FreshLayout.prefix(entityKeys.get(i));
        it.seek(prefix);
        if (it.isValid() && FreshLayout.isVersionOf(it.key(), prefix)) {
          out[i] = it.value();
        }
      }
    }
    return out;
  }

  /**
   * Deletes every version of an entity but its newest: only the newest is ever served, so this bounds the
   * layer to one row per entity however often the entity is pushed.
   *
   * @return the versions deleted
   */
  long sweep() throws IOException {
    long deleted = 0;
    try (ReadOptions ro = new ReadOptions().setTotalOrderSeek(true); RocksIterator it = db.newIterator(ro);
         WriteOptions plain = new WriteOptions()) {
      byte[] entity = null;
      WriteBatch batch = new WriteBatch();
      try {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] key = it.key();
          if (entity != null && FreshLayout.isVersionOf(key, entity)) {
            batch.delete(key); // an older version of the entity just seen
            deleted++;
            if (batch.count() >= 10_000) {
              db.write(plain, batch);
              batch.close();
              batch = new WriteBatch();
            }
          } else {
            entity = FreshLayout.prefixOf(key);
          }
        }
        db.write(plain, batch);
      } finally {
        batch.close();
      }
    } catch (RocksDBException e) {
      throw new IOException("sweeping the fresh layer " + dir + " failed: " + e.getMessage(), e);
    }
    return deleted;
  }

  /** Approximate number of keys (versions), for metrics and tests. */
  long estimatedKeys() {
    try {
      return db.getLongProperty("rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    db.close();
    durable.close();
    options.close();
  }
}
