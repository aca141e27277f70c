package dev.larder.serving.metrics;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The server's metrics, kept in a Prometheus client registry of its own (not the process-wide default, so
 * that two servers in one JVM, as in tests, never share counts). It exists to hold the serving-specific
 * instruments and to keep their recording cheap: each (method, code) pair binds its label values once and
 * keeps the bound data points, so recording a call is an array read and two adder updates, with no label
 * array or map allocated per request. Everything derived (cache ratios, data age) is computed only when
 * scraped, and the registry also carries the client's JVM, GC, memory and thread metrics.
 */
public final class ServingMetrics {
  /** Per-view figures taken at scrape time. {@code dataAgeSeconds} is NaN when nothing is materialized. */
  public record ViewGauge(String view, long viewVersion, long servedVersion, long runId, double dataAgeSeconds) {}

  /** What the cache reports; supplied by the lookup layer so that this package does not depend on it. */
  public record CacheGauge(CacheStats stats, long size) {}

  /** Latency buckets in seconds, dense below a few milliseconds where the serving targets are. */
  static final double[] LATENCY_SECONDS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  static final double[] ENTITY_COUNTS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

  private static final Status.Code[] CODES = Status.Code.values();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;
  private final DistributionDataPoint entitiesPerRequest;
  private final CounterDataPoint registryReloads;
  private final CounterDataPoint registryReloadFailures;
  private final CounterDataPoint dataSwaps;
  private final ConcurrentHashMap<String, AtomicReferenceArray<CallPoints>> calls = new ConcurrentHashMap<>();
  private final Function<String, AtomicReferenceArray<CallPoints>> newMethod = m -> new AtomicReferenceArray<>(CODES.length);
  private volatile Supplier<CacheGauge> cache = () -> null;
  private volatile Supplier<List<ViewGauge>> views = List::of;
  private volatile Supplier<Long> registryVersion = () -> 0L;

  /** The data points of one (method, code) pair, bound once. */
  private record CallPoints(CounterDataPoint count, DistributionDataPoint latency) {}

  public ServingMetrics() {
    requests = Counter.builder().name("larder_requests_total")
        .help("Calls finished, by gRPC method or HTTP route and status code.")
        .labelNames("method", "code").withoutExemplars().register(registry);
    latency = Histogram.builder().name("larder_request_duration_seconds")
        .help("Call latency in the server, by gRPC method or HTTP route and status code.")
        .labelNames("method", "code").classicOnly().classicUpperBounds(LATENCY_SECONDS).withoutExemplars()
        .register(registry);
    entitiesPerRequest = Histogram.builder().name("larder_entities_per_request")
        .help("Entity rows per GetOnlineFeatures request.")
        .classicOnly().classicUpperBounds(ENTITY_COUNTS).withoutExemplars().register(registry);
    Counter reloads = Counter.builder().name("larder_registry_reloads_total")
        .help("Registry files loaded after start, by result.").labelNames("result").withoutExemplars()
        .register(registry);
    registryReloads = reloads.labelValues("ok");
    registryReloadFailures = reloads.labelValues("refused");
    dataSwaps = Counter.builder().name("larder_data_swaps_total")
        .help("Views whose served data changed to a new materialization run.").withoutExemplars().register(registry);
    registerCacheMetrics();
    registerRegistryAndViewMetrics();
    JvmMetrics.builder().register(registry);
  }

  private void registerCacheMetrics() {
    cacheCounter("larder_cache_hits_total", "Lookup cache hits.", CacheStats::hitCount);
    cacheCounter("larder_cache_misses_total", "Lookup cache misses.", CacheStats::missCount);
    cacheCounter("larder_cache_evictions_total", "Lookup cache evictions (size or expiry).", CacheStats::evictionCount);
    GaugeWithCallback.builder().name("larder_cache_hit_ratio")
        .help("Cache hits divided by lookups since start (1 when none).")
        .callback(cb -> {
          CacheGauge c = cache.get();
          if (c != null) {
            cb.call(c.stats().hitRate());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("larder_cache_entries").help("Rows held in the lookup cache (approximate).")
        .callback(cb -> {
          CacheGauge c = cache.get();
          if (c != null) {
            cb.call(c.size());
          }
        }).register(registry);
  }

  private void cacheCounter(String name, String help, java.util.function.ToLongFunction<CacheStats> value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> {
      CacheGauge c = cache.get();
      if (c != null) {
        cb.call(value.applyAsLong(c.stats()));
      }
    }).register(registry);
  }

  private void registerRegistryAndViewMetrics() {
    GaugeWithCallback.builder().name("larder_registry_version").help("Version of the registry being served.")
        .callback(cb -> cb.call(registryVersion.get())).register(registry);
    GaugeWithCallback.builder().name("larder_view_version").help("Definition version of each served view.")
        .labelNames("view")
        .callback(cb -> views.get().forEach(v -> cb.call(v.viewVersion(), v.view()))).register(registry);
    GaugeWithCallback.builder().name("larder_view_served_version")
        .help("Version each view is served from: its newest version with online data (differs from"
            + " larder_view_version while a new version is being materialized).")
        .labelNames("view")
        .callback(cb -> views.get().forEach(v -> cb.call(v.servedVersion(), v.view()))).register(registry);
    GaugeWithCallback.builder().name("larder_view_data_version")
        .help("Materialization run id served for each view, of its served version (0 when none).").labelNames("view")
        .callback(cb -> views.get().forEach(v -> cb.call(v.runId(), v.view()))).register(registry);
    GaugeWithCallback.builder().name("larder_view_data_age_seconds")
        .help("Seconds since the end of the newest materialized interval of each view (NaN when none).")
        .labelNames("view")
        .callback(cb -> views.get().forEach(v -> cb.call(v.dataAgeSeconds(), v.view()))).register(registry);
  }

  /** Records one finished call. */
  public void recordCall(String method, Status.Code code, long nanos) {
    CallPoints p = points(method, code);
    p.count().inc();
    p.latency().observe(nanos / 1e9);
  }

  private CallPoints points(String method, Status.Code code) {
    AtomicReferenceArray<CallPoints> byCode = calls.get(method);
    if (byCode == null) {
      byCode = calls.computeIfAbsent(method, newMethod);
    }
    int i = code.ordinal();
    CallPoints p = byCode.get(i);
    if (p == null) {
      String c = code.name();
      byCode.compareAndSet(i, null, new CallPoints(requests.labelValues(method, c), latency.labelValues(method, c)));
      p = byCode.get(i);
    }
    return p;
  }

  public void recordEntities(int count) {
    entitiesPerRequest.observe(count);
  }

  public void recordRegistryReload(boolean ok) {
    (ok ? registryReloads : registryReloadFailures).inc();
  }

  public void recordDataSwaps(int views) {
    dataSwaps.inc(views);
  }

  public void cacheSource(Supplier<CacheGauge> source) {
    this.cache = source;
  }

  public void viewSource(Supplier<List<ViewGauge>> source) {
    this.views = source;
  }

  /** What a push view's stream consumer reports: its consumer lag and the age of its newest pushed value. */
  public record StreamGauge(String view, long lagMessages, double newestValueAgeSeconds) {}

  private volatile Supplier<List<StreamGauge>> streams = List::of;

  {
    GaugeWithCallback.builder().name("larder_stream_consumer_lag")
        .help("Messages of each push view's Kafka topic not yet consumed by this server (end offsets minus positions).")
        .labelNames("view")
        .callback(cb -> streams.get().forEach(g -> cb.call(g.lagMessages(), g.view()))).register(registry);
    GaugeWithCallback.builder().name("larder_push_newest_value_age_seconds")
        .help("Seconds since the event time of the newest value pushed to each push view (NaN before any).")
        .labelNames("view")
        .callback(cb -> streams.get().forEach(g -> cb.call(g.newestValueAgeSeconds(), g.view()))).register(registry);
  }

  public void streamSource(Supplier<List<StreamGauge>> source) {
    this.streams = source;
  }

  public void registryVersionSource(Supplier<Long> source) {
    this.registryVersion = source;
  }

  /** Requests counted so far for a method and code; for tests and the log. */
  public long callCount(String method, Status.Code code) {
    AtomicReferenceArray<CallPoints> byCode = calls.get(method);
    CallPoints p = byCode == null ? null : byCode.get(code.ordinal());
    return p == null ? 0 : p.count().getLongValue();
  }

  /** The registry the {@link MetricsEndpoint} serves. */
  PrometheusRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (format 0.0.4) of every metric, as the endpoint serves it by default. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
