package dev.larder.materialize;

import dev.larder.online.FeatureLayout;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.online.RocksTuning;
import java.io.IOException;
import java.nio.file.Path;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Every row of a published run in key order: the served data a new run is merged with. Rows of a run whose
 * features were in another order are re-encoded into the new run's layout, matching features by name.
 */
final class RunRows implements SortedRows {
  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final ReadOptions readOptions;
  private final RocksIterator it;
  private boolean started;
  private byte[] key;
  private byte[] row;

  private final FeatureRowCodec oldCodec;
  private final FeatureRowCodec newCodec;
  private final int[] positions;

  RunRows(Path runDir, OnlineOptions o, FeatureLayout layout) throws IOException {
    this.dir = runDir;
    FeatureLayout old = FeatureLayout.read(runDir).orElse(null);
    this.positions = old == null ? null : layout.positionsIn(old);
    this.oldCodec = positions == null ? null : new FeatureRowCodec(old.types());
    this.newCodec = positions == null ? null : new FeatureRowCodec(layout.types());
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
    row = positions == null ? it.value() : remap(it.value());
    return true;
  }

  private byte[] remap(byte[] old) {
    Object[] values = oldCodec.decodeJava(old);
    Object[] out = new Object[positions.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = positions[i] < 0 ? null : values[positions[i]];
    }
    return newCodec.encode(FeatureRowCodec.eventTimestamp(old), FeatureRowCodec.createdTimestamp(old), out);
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
