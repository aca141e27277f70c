package dev.larder.online;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * The RocksDB options of an online run, in one place so that the SST files a run writes and the way the
 * server opens them agree. A run is immutable and only ever point-read, so the options favour lookups:
 * bloom filters, a hash index inside data blocks, small blocks, filters and indexes held in memory for the
 * life of the open files. The reasons are in docs/online-store.md.
 */
public final class RocksTuning {
  static {
    RocksDB.loadLibrary();
  }

  /** Filter policies are immutable and shared by every table factory; one per setting for the process. */
  private static final java.util.Map<Integer, BloomFilter> FILTERS = new java.util.concurrent.ConcurrentHashMap<>();

  private RocksTuning() {}

  /**
   * Options for writing SSTs, ingesting them, and opening a run read-only. The caller closes the returned
   * options after the DB or writer that uses them; {@code cache} may be null (no block cache: writers).
   */
  public static Options options(OnlineOptions o, Cache cache) {
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockSize(o.blockSizeBytes())
        .setFormatVersion(6)
        .setIndexType(IndexType.kBinarySearch)
        .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)
        .setDataBlockHashTableUtilRatio(0.75)
        .setWholeKeyFiltering(true)
        // Index and filter blocks live with the open table readers (max_open_files = -1), not in the LRU
        // cache, so data blocks never evict them: a lookup costs at most one data block read.
        .setCacheIndexAndFilterBlocks(false);
    if (o.bloomBitsPerKey() > 0) {
      table.setFilterPolicy(FILTERS.computeIfAbsent(o.bloomBitsPerKey(), bits -> new BloomFilter(bits, false)));
    }
    if (cache != null) {
      table.setBlockCache(cache);
    } else {
      table.setNoBlockCache(true);
    }
    CompressionType compression = o.lz4() ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION;
    return new Options()
        .setCreateIfMissing(true)
        .setTableFormatConfig(table)
        .setCompressionType(compression)
        .setBottommostCompressionType(compression)
        .setCompactionStyle(CompactionStyle.LEVEL)
        .setMaxOpenFiles(-1)
        .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL)
        .setKeepLogFileNum(2);
  }
}
