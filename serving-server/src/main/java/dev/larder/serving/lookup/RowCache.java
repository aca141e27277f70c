package dev.larder.serving.lookup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.time.Duration;
import java.util.Set;

/**
 * The bounded cache of decoded rows in front of RocksDB (Caffeine, size-bounded, expiring after write, with
 * statistics for the metrics endpoint). A capacity of 0 disables it without changing the request path. Its
 * maintenance (eviction, expiry) runs on the calling threads, so a lookup never waits for a pool thread.
 */
public final class RowCache {
  private final Cache<RowKey, CachedRow> cache;

  public RowCache(long maxEntries, Duration expireAfterWrite) {
    this.cache = maxEntries <= 0 ? null
        : Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(expireAfterWrite).recordStats()
            // Eviction bookkeeping runs on the request thread, amortized, instead of on ForkJoinPool.commonPool():
            // waking a pool thread after writes costs a context switch that a lookup then waits behind.
            .executor(Runnable::run)
            .build();
  }

  CachedRow get(RowKey key) {
    return cache == null ? null : cache.getIfPresent(key);
  }

  void put(RowKey key, CachedRow row) {
    if (cache != null) {
      cache.put(key, row);
    }
  }

  /** Drops every entry of the given views; called when their data or definition changed. */
  public void invalidateViews(Set<String> views) {
    if (cache != null && !views.isEmpty()) {
      cache.asMap().keySet().removeIf(k -> views.contains(k.view));
    }
  }

  public CacheStats stats() {
    return cache == null ? CacheStats.empty() : cache.stats();
  }

  public long size() {
    return cache == null ? 0 : cache.estimatedSize();
  }
}
