package dev.larder.online;

import java.io.IOException;
import java.nio.file.Path;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Every row of a published run in key order: the served data a new run is merged with. */
final class RunRows implements SortedRows {
  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final ReadOptions readOptions;
  private final RocksIterator it;
  private boolean started;
  private byte[] key;
  private byte[] row;

  RunRows(Path runDir, OnlineOptions o) throws IOException {
    this.dir = runDir;
    this.options = RocksTuning.options(o, null).setCreateIfMissing(false);
    try {
      this.db = RocksDB.openReadOnly(options, runDir.toString(), false);
    } catch (RocksDBException e) {
      options.close();
      throw new IOException(runDir + ": cannot open the served run to merge with (" + e.getMessage() + ")", e);
    }
    this.readOptions = new ReadOptions().setFillCache(false).setReadaheadSize(4 << 20).setVerifyChecksums(true);
    this.it = db.newIterator(readOptions);
  }

  @Override
  public boolean next() throws IOException {
    if (!started) {
      it.seekToFirst();
      started = true;
    } else {
      it.next();
    }
    if (!it.isValid()) {
      try {
        it.status();
      } catch (RocksDBException e) {
        throw new IOException(dir + ": reading the served run failed (" + e.getMessage() + ")", e);
      }
      return false;
    }
    key = it.key();
    row = it.value();
    return true;
  }

  @Override
  public byte[] key() {
    return key;
  }

  @Override
  public byte[] row() {
    return row;
  }

  @Override
  public void close() {
    it.close();
    readOptions.close();
    db.close();
    options.close();
  }
}
