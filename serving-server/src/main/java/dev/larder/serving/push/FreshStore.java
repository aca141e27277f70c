package dev.larder.serving.push;

import dev.larder.online.FeatureRowCodec;
import dev.larder.online.FreshLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * and read by lookups, which also holds the offline log of acknowledged pushes.
 *
 * <p>Group commit: pushes do not write themselves. They queue their rows and wait; one committer thread per
 * store takes every push waiting (up to {@link #GROUP_ROWS} rows), turns them into one {@link WriteBatch}
 * and writes it with {@code sync}: RocksDB appends the batch to its write-ahead log and fsyncs it, and a batch
 * is recovered whole or not at all after a crash. Only then are the waiting pushes acknowledged. So concurrent
 * pushes share one fsync, and log sequences are given in commit order by a single thread: a reader that sees
 * sequence {@code s} sees every sequence below it.
 */
final class FreshStore implements AutoCloseable {
  /** Rows one group commit takes at most (a single larger push is committed alone). */
  static final int GROUP_ROWS = 100_000;
  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions durable = new WriteOptions().setSync(true);
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private volatile boolean closing;
  /** The next log sequence; touched by the committer thread only. */
  private long nextSequence;

  /** The newest event time written (micros), Long.MIN_VALUE before any. */
  private volatile long newestEvent = Long.MIN_VALUE;

  /**
   * One push waiting for its group commit; {@code done} completes with the rows it logged. {@code extra} are
   * more entries written in the same batch (a stream consumer's offsets).
   */
  private record Pending(List<byte[]> keys, List<byte[]> rows, Map<String, byte[][]> extra,
                         CompletableFuture<Integer> done) {}

  private FreshStore(Path dir, Options options, RocksDB db, long nextSequence) {
    this.dir = dir;
    this.options = options;
    this.db = db;
    this.nextSequence = nextSequence;
    this.committer = new Thread(this::commitLoop, "larder-push-commit-" + dir.getParent().getParent().getFileName()
        + "-" + dir.getParent().getFileName());
    committer.setDaemon(true);
    committer.start();
  }

  /** Opens (creating if needed) the fresh layer in {@code dir}, replaying its write-ahead log. */
  static FreshStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Options options = new Options()
        .setCreateIfMissing(true)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL)
        .setKeepLogFileNum(2);
    RocksDB db;
    try {
      db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      options.close();
      throw new IOException("cannot open the fresh layer " + dir + ": " + e.getMessage(), e);
    }
    long next;
    try {
      next = Math.max(lastLogged(db), logged(dir.getParent())) + 1;
    } catch (IOException | RuntimeException e) {
      db.close();
      options.close();
      throw e;
    }
    return new FreshStore(dir, options, db, next);
  }

  /** The highest log sequence still in the store, 0 when none. */
  private static long lastLogged(RocksDB db) {
    try (ReadOptions ro = new ReadOptions().setTotalOrderSeek(true); RocksIterator it = db.newIterator(ro)) {
      it.seekForPrev(FreshLayout.logKey(-1L)); // 0x00 FF..FF: the last possible log key
      return it.isValid() && FreshLayout.isLogKey(it.key()) ? FreshLayout.logSequence(it.key()) : 0;
    }
  }

  /** The highest sequence committed to the offline store (from {@link FreshLayout#LOGGED}), 0 when none. */
  static long logged(Path versionDir) throws IOException {
    Path file = FreshLayout.loggedFile(versionDir);
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file).strip();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": expected a log sequence, found '" + text + "'");
    }
  }

  Path dir() {
    return dir;
  }

  /**
   * Writes {@code keys[i] -> rows[i]} atomically and durably (fsync'd WAL, see the group commit above) before
   * returning, and logs each version written for the first time.
   *
   * @return the rows logged (a version already in the store is written again but not logged again)
   */
  int write(List<byte[]> keys, List<byte[]> rows) throws IOException {
    return write(keys, rows, Map.of());
  }

  /**
   * As {@link #write(List, List)}, with {@code extra} entries (name -> {key, value}) in the same atomic,
   * durable batch: a stream consumer's offsets, so that they are stored with the rows they led to.
   */
  int write(List<byte[]> keys, List<byte[]> rows, Map<String, byte[][]> extra) throws IOException {
    Pending p = new Pending(keys, rows, extra, new CompletableFuture<>());
    if (closing) {
      throw new IOException("the fresh layer " + dir + " is closing");
    }
    queue.add(p);
    if (closing) {
      failPending(); // close() may have drained the queue before this push was added
    }
    try {
      return p.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the write to the fresh layer " + dir
          + " (it may or may not be durable)", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(String.valueOf(c.getMessage()), c);
    }
  }

  private void commitLoop() {
    List<Pending> group = new ArrayList<>();
    while (!closing) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        int rows = first.keys().size();
        Pending next;
        while (rows < GROUP_ROWS && (next = queue.peek()) != null && rows + next.keys().size() <= GROUP_ROWS) {
          group.add(queue.poll());
          rows += next.keys().size();
        }
        commit(group);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        group.forEach(p -> p.done().completeExceptionally(e));
      } finally {
        group.clear();
      }
    }
    failPending();
  }

  /** One group commit: the rows of every waiting push and their log entries, one synced write. */
  private void commit(List<Pending> group) {
    List<byte[]> all = new ArrayList<>();
    group.forEach(p -> all.addAll(p.keys()));
    List<byte[]> present;
    long sequence = nextSequence;
    long newest = newestEvent;
    int[] logged = new int[group.size()];
    try (WriteBatch batch = new WriteBatch()) {
      // A batch may hold no rows at all (a Kafka poll of bad messages only: just the offsets). RocksDB's
      // multiGetAsList asserts a non-empty list, and under -ea that AssertionError killed the commit thread.
      present = all.isEmpty() ? List.of() : db.multiGetAsList(all);
      Set<ByteBuffer> seen = new HashSet<>();
      int at = 0;
      for (int g = 0; g < group.size(); g++) {
        Pending p = group.get(g);
        for (int i = 0; i < p.keys().size(); i++, at++) {
          byte[] key = p.keys().get(i);
          byte[] row = p.rows().get(i);
          batch.put(key, row);
          newest = Math.max(newest, FeatureRowCodec.eventTimestamp(row));
          if (present.get(at) == null && seen.add(ByteBuffer.wrap(key))) {
            batch.put(FreshLayout.logKey(sequence++), FreshLayout.logValue(key, row));
            logged[g]++;
          }
        }
      }
      for (Pending p : group) {
        for (byte[][] kv : p.extra().values()) {
          batch.put(kv[0], kv[1]);
        }
      }
      db.write(durable, batch);
    } catch (RocksDBException e) {
      IOException failure = new IOException("writing to the fresh layer " + dir + " failed: " + e.getMessage(), e);
      group.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    nextSequence = sequence;
    newestEvent = newest;
    for (int g = 0; g < group.size(); g++) {
      group.get(g).done().complete(logged[g]);
    }
  }

  private void failPending() {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done().completeExceptionally(new IOException("the fresh layer " + dir + " closed before the write"));
    }
  }

  /** Deletes the log entries up to {@code sequence} (they are committed to the offline store). */
  void dropLogged(long sequence) throws IOException {
    if (sequence <= 0) {
      return;
    }
    try (WriteOptions plain = new WriteOptions()) {
      db.deleteRange(plain, FreshLayout.logKey(0), FreshLayout.logKey(sequence + 1));
    } catch (RocksDBException e) {
      throw new IOException("dropping logged entries of the fresh layer " + dir + " failed: " + e.getMessage(), e);
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
   * Drops the log entries the offline store has committed ({@link FreshLayout#LOGGED}), then deletes every
   * version of an entity but its newest: only the newest is ever served, so this bounds the layer to one row
   * per entity however often the entity is pushed (plus the log entries not yet committed offline).
   *
   * @return the versions deleted
   */
  long sweep() throws IOException {
    dropLogged(logged(dir.getParent()));
    long deleted = 0;
    try (ReadOptions ro = new ReadOptions().setTotalOrderSeek(true); RocksIterator it = db.newIterator(ro);
         WriteOptions plain = new WriteOptions()) {
      byte[] entity = null;
      WriteBatch batch = new WriteBatch();
      try {
        for (it.seek(new byte[] {1}); it.isValid(); it.next()) { // past the log (see FreshLayout)
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

  /** The log entries not yet dropped, for tests and operations (a scan of the log). */
  long logEntries() {
    long n = 0;
    try (ReadOptions ro = new ReadOptions().setTotalOrderSeek(true); RocksIterator it = db.newIterator(ro)) {
      for (it.seek(FreshLayout.logKey(0)); it.isValid() && FreshLayout.isLogKey(it.key()); it.next()) {
        n++;
      }
    }
    return n;
  }

  /** The newest event time pushed since the store was opened (micros), Long.MIN_VALUE before any. */
  long newestEvent() {
    return newestEvent;
  }

  /** A value stored with {@link #write(List, List, Map)}'s extras, or null. */
  byte[] get(byte[] key) throws IOException {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IOException("reading the fresh layer " + dir + " failed: " + e.getMessage(), e);
    }
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
    closing = true;
    committer.interrupt();
    try {
      committer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending();
    db.close();
    durable.close();
    options.close();
  }
}
