package dev.larder.serving.metrics;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The server's metrics and their Prometheus rendering. Request-path recording is a map lookup and a few
 * adder increments; everything derived (cache ratios, data age) is computed only when scraped.
 */
public final class ServingMetrics {
  /** Per-view figures taken at scrape time. {@code dataAgeSeconds} is NaN when nothing is materialized. */
  public record ViewGauge(String view, long viewVersion, long servedVersion, long runId, double dataAgeSeconds) {}

  /** What the cache reports; supplied by the lookup layer so that this package does not depend on it. */
  public record CacheGauge(CacheStats stats, long size) {}

  private static final int CODES = io.grpc.Status.Code.values().length;

  private final ConcurrentHashMap<String, AtomicReferenceArray<CallStats>> calls = new ConcurrentHashMap<>();
  private final Histogram entitiesPerRequest = new Histogram(Histogram.ENTITY_COUNTS);
  private final LongAdder registryReloads = new LongAdder();
  private final LongAdder registryReloadFailures = new LongAdder();
  private final LongAdder dataSwaps = new LongAdder();
  private volatile Supplier<CacheGauge> cache = () -> null;
  private volatile Supplier<List<ViewGauge>> views = List::of;
  private volatile Supplier<Long> registryVersion = () -> 0L;

  private static final class CallStats {
    final LongAdder count = new LongAdder();
    final Histogram latency = new Histogram(Histogram.LATENCY_SECONDS);
  }

  /** Records one finished call. */
  public void recordCall(String method, io.grpc.Status.Code code, long nanos) {
    AtomicReferenceArray<CallStats> byCode = calls.computeIfAbsent(method, m -> new AtomicReferenceArray<>(CODES));
    CallStats s = byCode.get(code.ordinal());
    if (s == null) {
      byCode.compareAndSet(code.ordinal(), null, new CallStats());
      s = byCode.get(code.ordinal());
    }
    s.count.increment();
    s.latency.observe(nanos / 1e9);
  }

  public void recordEntities(int count) {
    entitiesPerRequest.observe(count);
  }

  public void recordRegistryReload(boolean ok) {
    (ok ? registryReloads : registryReloadFailures).increment();
  }

  public void recordDataSwaps(int views) {
    dataSwaps.add(views);
  }

  public void cacheSource(Supplier<CacheGauge> source) {
    this.cache = source;
  }

  public void viewSource(Supplier<List<ViewGauge>> source) {
    this.views = source;
  }

  public void registryVersionSource(Supplier<Long> source) {
    this.registryVersion = source;
  }

  /** Requests counted so far for a method and code; for tests and the log. */
  public long callCount(String method, io.grpc.Status.Code code) {
    AtomicReferenceArray<CallStats> byCode = calls.get(method);
    CallStats s = byCode == null ? null : byCode.get(code.ordinal());
    return s == null ? 0 : s.count.sum();
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    PrometheusWriter w = new PrometheusWriter();
    w.family("larder_requests_total", "counter", "Calls finished, by gRPC method or HTTP route and status code.");
    forEachCall((labels, s) -> w.sample("larder_requests_total", labels, s.count.sum()));
    w.family("larder_request_duration_seconds", "histogram", "Call latency in the server, by gRPC method or HTTP route and status code.");
    forEachCall((labels, s) -> w.histogram("larder_request_duration_seconds", labels, s.latency.snapshot()));
    w.family("larder_entities_per_request", "histogram", "Entity rows per GetOnlineFeatures request.");
    w.histogram("larder_entities_per_request", Map.of(), entitiesPerRequest.snapshot());

    CacheGauge c = cache.get();
    if (c != null) {
      CacheStats st = c.stats();
      w.family("larder_cache_hits_total", "counter", "Lookup cache hits.").sample("larder_cache_hits_total", Map.of(), st.hitCount());
      w.family("larder_cache_misses_total", "counter", "Lookup cache misses.").sample("larder_cache_misses_total", Map.of(), st.missCount());
      w.family("larder_cache_evictions_total", "counter", "Lookup cache evictions (size or expiry).")
          .sample("larder_cache_evictions_total", Map.of(), st.evictionCount());
      w.family("larder_cache_hit_ratio", "gauge", "Cache hits divided by lookups since start (1 when none).")
          .sample("larder_cache_hit_ratio", Map.of(), st.hitRate());
      w.family("larder_cache_entries", "gauge", "Rows held in the lookup cache (approximate).")
          .sample("larder_cache_entries", Map.of(), c.size());
    }

    w.family("larder_registry_version", "gauge", "Version of the registry being served.")
        .sample("larder_registry_version", Map.of(), registryVersion.get());
    w.family("larder_registry_reloads_total", "counter", "Registry files loaded after start, by result.");
    w.sample("larder_registry_reloads_total", Map.of("result", "ok"), registryReloads.sum());
    w.sample("larder_registry_reloads_total", Map.of("result", "refused"), registryReloadFailures.sum());
    w.family("larder_data_swaps_total", "counter", "Views whose served data changed to a new materialization run.")
        .sample("larder_data_swaps_total", Map.of(), dataSwaps.sum());

    List<ViewGauge> vs = views.get();
    w.family("larder_view_version", "gauge", "Definition version of each served view.");
    vs.forEach(v -> w.sample("larder_view_version", Map.of("view", v.view()), v.viewVersion()));
    w.family("larder_view_served_version", "gauge",
        "Version each view is served from: its newest version with online data (differs from larder_view_version"
        + " while a new version is being materialized).");
    vs.forEach(v -> w.sample("larder_view_served_version", Map.of("view", v.view()), v.servedVersion()));
    w.family("larder_view_data_version", "gauge", "Materialization run id served for each view, of its served version (0 when none).");
    vs.forEach(v -> w.sample("larder_view_data_version", Map.of("view", v.view()), v.runId()));
    w.family("larder_view_data_age_seconds", "gauge",
        "Seconds since the end of the newest materialized interval of each view (NaN when none).");
    vs.forEach(v -> w.sample("larder_view_data_age_seconds", Map.of("view", v.view()), v.dataAgeSeconds()));
    return w.toString();
  }

  private void forEachCall(java.util.function.BiConsumer<Map<String, String>, CallStats> action) {
    new java.util.TreeMap<>(calls).forEach((method, byCode) -> {
      for (int i = 0; i < CODES; i++) {
        CallStats s = byCode.get(i);
        if (s != null) {
          Map<String, String> labels = new LinkedHashMap<>();
          labels.put("method", method);
          labels.put("code", io.grpc.Status.Code.values()[i].name());
          action.accept(labels, s);
        }
      }
    });
  }
}
