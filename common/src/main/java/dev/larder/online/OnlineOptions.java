package dev.larder.online;

import java.util.Locale;
import java.util.Map;

/**
 * Tuning of the online store, shared by the materializer (which bakes block size, bloom filters and
 * compression into the SST files it writes) and the server (which sizes the block cache). Read from
 * {@code larder.properties} keys {@code online.*}; see docs/online-store.md for why the defaults are what
 * they are.
 *
 * @param blockCacheBytes  size of the LRU cache of uncompressed data blocks shared by every served view
 * @param blockSizeBytes   target size of an SST data block (the unit a point lookup reads and caches)
 * @param bloomBitsPerKey  bloom filter bits per key; 0 disables the filter
 * @param lz4              LZ4-compress data blocks (otherwise none)
 * @param sortBufferBytes  in-heap sort buffer of a materialization run; larger inputs spill to disk
 * @param sstFileBytes     target size of one SST file a run writes
 */
public record OnlineOptions(long blockCacheBytes, int blockSizeBytes, int bloomBitsPerKey, boolean lz4,
                            int sortBufferBytes, long sstFileBytes) {

  public static final long DEFAULT_BLOCK_CACHE_BYTES = 256L << 20;
  public static final int DEFAULT_BLOCK_SIZE_BYTES = 4 << 10;
  public static final int DEFAULT_BLOOM_BITS_PER_KEY = 10;
  public static final int DEFAULT_SORT_BUFFER_BYTES = 256 << 20;
  public static final long DEFAULT_SST_FILE_BYTES = 256L << 20;

  public OnlineOptions {
    if (blockCacheBytes < 0 || blockSizeBytes < 256 || bloomBitsPerKey < 0 || sortBufferBytes < 4096 || sstFileBytes < 4096) {
      throw new IllegalArgumentException("invalid online store options " + this);
    }
  }

  public static OnlineOptions defaults() {
    return new OnlineOptions(DEFAULT_BLOCK_CACHE_BYTES, DEFAULT_BLOCK_SIZE_BYTES, DEFAULT_BLOOM_BITS_PER_KEY, true,
        DEFAULT_SORT_BUFFER_BYTES, DEFAULT_SST_FILE_BYTES);
  }

  /**
   * Options from project settings: {@code online.block_cache_bytes}, {@code online.block_size_bytes},
   * {@code online.bloom_bits_per_key}, {@code online.compression} ({@code lz4} or {@code none}),
   * {@code online.sort_buffer_bytes}, {@code online.sst_file_bytes}. Sizes accept a KB/MB/GB suffix.
   *
   * @throws IllegalArgumentException naming the key whose value is malformed
   */
  public static OnlineOptions fromSettings(Map<String, String> settings) {
    OnlineOptions d = defaults();
    String compression = settings.getOrDefault("online.compression", "lz4").trim().toLowerCase(Locale.ROOT);
    if (!compression.equals("lz4") && !compression.equals("none")) {
      throw new IllegalArgumentException("online.compression: '" + compression + "' is not lz4 or none");
    }
    return new OnlineOptions(
        size(settings, "online.block_cache_bytes", d.blockCacheBytes),
        (int) size(settings, "online.block_size_bytes", d.blockSizeBytes),
        (int) size(settings, "online.bloom_bits_per_key", d.bloomBitsPerKey),
        compression.equals("lz4"),
        (int) Math.min(Integer.MAX_VALUE - 64, size(settings, "online.sort_buffer_bytes", d.sortBufferBytes)),
        size(settings, "online.sst_file_bytes", d.sstFileBytes));
  }

  public OnlineOptions withBlockCacheBytes(long bytes) {
    return new OnlineOptions(bytes, blockSizeBytes, bloomBitsPerKey, lz4, sortBufferBytes, sstFileBytes);
  }

  public OnlineOptions withSortBufferBytes(int bytes) {
    return new OnlineOptions(blockCacheBytes, blockSizeBytes, bloomBitsPerKey, lz4, bytes, sstFileBytes);
  }

  public OnlineOptions withSstFileBytes(long bytes) {
    return new OnlineOptions(blockCacheBytes, blockSizeBytes, bloomBitsPerKey, lz4, sortBufferBytes, bytes);
  }

  /** Parses {@code 1048576}, {@code 64KB}, {@code 256MB}, {@code 1GB} (binary multiples). */
  static long size(Map<String, String> settings, String key, long fallback) {
    String raw = settings.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    String t = raw.trim().toUpperCase(Locale.ROOT).replace("_", "");
    long mult = 1;
    for (String[] unit : new String[][] {{"KB", "10"}, {"MB", "20"}, {"GB", "30"}, {"K", "10"}, {"M", "20"}, {"G", "30"}}) {
      if (t.endsWith(unit[0])) {
        mult = 1L << Integer.parseInt(unit[1]);
        t = t.substring(0, t.length() - unit[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(key + ": '" + raw + "' is not a size; expected e.g. 268435456, 256MB or 1GB");
    }
  }
}
