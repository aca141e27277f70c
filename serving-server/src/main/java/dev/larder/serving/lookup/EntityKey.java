package dev.larder.serving.lookup;

import java.util.Arrays;

/**
 * Cache key of one entity: its key space (the names and types of its join keys, see {@link ViewSpec#keySpace})
 * and its encoded key. Every view of the entity keeps its row under this one key ({@link EntityRows}), so a
 * request for 5 views of 100 entities makes 100 hash-table probes instead of 500: on a large cache each probe
 * is a chain of cache misses, and they were half of a lookup's CPU time.
 */
final class EntityKey {
  final String keySpace;
  final byte[] entityKey;
  private final int hash;
  /*
   * The key's length and first 16 bytes, copied in: most keys (an int64, a short string) fit, and then equals
   * never reads the cached key's array, one cache miss less per row of a lookup.
   */
  private final int length;
  private final long head0;
  private final long head1;

  EntityKey(String keySpace, byte[] entityKey) {
    this.keySpace = keySpace;
    this.entityKey = entityKey;
    this.hash = hash(keySpace.hashCode(), entityKey);
    this.length = entityKey.length;
    this.head0 = head(entityKey, 0);
    this.head1 = head(entityKey, 8);
  }

  /** Bytes {@code [from, from + 8)} of {@code key} as a long, zero where the key is shorter. */
  private static long head(byte[] key, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = v << 8 | (i < key.length ? key[i] & 0xff : 0);
    }
    return v;
  }

  /**
   * FNV-1a over the key bytes, then a 64-bit finalizer. {@code Arrays.hashCode} is not enough: encoded
   * integer keys differ only in their last bytes, so tens of thousands of entities would share a few
   * thousand hash codes and the cache's hash table would degrade into collision chains.
   */
  private static int hash(long seed, byte[] key) {
    long h = 0xcbf29ce484222325L ^ (seed * 0x9E3779B97F4A7C15L);
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntityKey k && hash == k.hash && length == k.length && head0 == k.head0
        && head1 == k.head1 && keySpace.equals(k.keySpace)
        && (length <= 16 || Arrays.equals(entityKey, k.entityKey));
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
