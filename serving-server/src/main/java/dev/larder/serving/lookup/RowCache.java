package dev.larder.serving.lookup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded cache of decoded rows in front of RocksDB (Caffeine, bounded by rows, expiring after write, with
 * statistics for the metrics endpoint). Rows are grouped by entity ({@link EntityKey} to {@link EntityRows}),
 * so that a request probes the hash table once per entity, not once per entity and view. A capacity of 0
 * disables it without changing the request path. Its maintenance (eviction, expiry) runs on the calling
 * threads, so a lookup never waits for a pool thread.
 */
public final class RowCache {
  private final Cache<EntityKey, EntityRows> cache;
  private final long expireNanos;
  // Hits and misses count rows (entity and view), as the metrics always did, not entity probes.
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public RowCache(long maxEntries, Duration expireAfterWrite) {
    this.expireNanos = expireAfterWrite.toNanos();
    this.cache = maxEntries <= 0 ? null
        : Caffeine.newBuilder().maximumWeight(maxEntries).<EntityKey, EntityRows>weigher((k, rows) -> rows.size())
            .expireAfterWrite(expireAfterWrite).recordStats()
            // Eviction bookkeeping runs on the request thread, amortized, instead of on ForkJoinPool.commonPool():
            // waking a pool thread after writes costs a context switch that a lookup then waits behind.
            .executor(Runnable::run)
            .build();
  }

  /** The cached rows of an entity, or null; look its views' rows up with {@link #row}. */
  EntityRows entity(EntityKey key) {
    return cache == null ? null : cache.getIfPresent(key);
  }

  /** The row of a view version's run in {@code rows} (from {@link #entity}), or null when not cached. */
  CachedRow row(EntityRows rows, String view, long version, long runId, long nowNanos) {
    CachedRow row = rows == null ? null : rows.row(view, version, runId, nowNanos - expireNanos);
    (row == null ? misses : hits).increment();
    return row;
  }

  /** Caches the row of a view version's run for an entity (replacing its row of an earlier run). */
  void put(EntityKey key, String view, long version, long runId, CachedRow row) {
    if (cache != null) {
      long now = System.nanoTime();
      cache.asMap().compute(key, (k, rows) -> EntityRows.with(rows, view, version, runId, now, row));
    }
  }

  /** Drops every row of the given views; called when their data or definition changed. */
  public void invalidateViews(Set<String> views) {
    if (cache != null && !views.isEmpty()) {
      for (var e : cache.asMap().entrySet()) {
        if (e.getValue().without(views) != e.getValue()) { // untouched entities keep their write time
          cache.asMap().computeIfPresent(e.getKey(), (k, rows) -> rows.without(views));
        }
      }
    }
  }

  /** Row hits and misses; evictions count entities. */
  public CacheStats stats() {
    if (cache == null) {
      return CacheStats.empty();
    }
    CacheStats entities = cache.stats();
    return CacheStats.of(hits.sum(), misses.sum(), 0, 0, 0, entities.evictionCount(), entities.evictionWeight());
  }

  /** Rows cached. */
  public long size() {
    return cache == null ? 0 : cache.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst())
        .orElse(cache.estimatedSize());
  }
}
