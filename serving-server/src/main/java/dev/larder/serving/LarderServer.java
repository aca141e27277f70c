package dev.larder.serving;

import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.serving.auth.AuthInterceptor;
import dev.larder.serving.auth.TokenStore;
import dev.larder.serving.http.HttpEndpoint;
import dev.larder.serving.http.JsonApi;
import dev.larder.serving.lookup.Discovery;
import dev.larder.serving.lookup.OnlineLookup;
import dev.larder.serving.lookup.RegistryWatcher;
import dev.larder.serving.lookup.RowCache;
import dev.larder.serving.metrics.MetricsEndpoint;
import dev.larder.serving.metrics.RpcMetricsInterceptor;
import dev.larder.serving.metrics.ServingMetrics;
import dev.larder.serving.push.FreshLayer;
import dev.larder.serving.push.KafkaIngest;
import dev.larder.serving.push.PushService;
import dev.larder.serving.v1.FeatureServingGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running larder-server: the gRPC server with its services (feature serving, health, reflection), the
 * online store, the timer that picks up new data and registry versions, and the metrics endpoint. It is
 * wired with plain constructors; {@link ServerMain} only parses configuration and calls {@link #start}.
 *
 * <p>Life cycle: {@link #listen} starts the transport with health NOT_SERVING; {@link #openStore} opens the
 * online store and flips health to SERVING; {@link #close} drains calls and closes everything.
 */
public final class LarderServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server");
  private static final String SERVICE = FeatureServingGrpc.SERVICE_NAME;

  private final ServerConfig config;
  private final OnlineOptions onlineOptions;
  private final ServingMetrics metrics = new ServingMetrics();
  private final HealthStatusManager health = new HealthStatusManager();
  private final RegistryWatcher registry;
  private final TokenStore tokens;
  private final TokenStore metricsTokens;
  private final OnlineLookup lookup;
  private final Discovery discovery;
  private final Server server;
  private final AutoCloseable transport;
  /**
   * Cache misses a view needs in one request before its RocksDB read runs beside another view's on the reader
   * pool: below it, handing the read to another thread (a wake-up) costs more than the read itself.
   */
  static final int PARALLEL_READ_MIN_MISSES = 32;

  private final ExecutorService callExecutor;
  private final ExecutorService readers;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile MetricsEndpoint metricsEndpoint;
  private volatile HttpEndpoint httpEndpoint;
  private final RequestBytesBudget requestBudget;
  private volatile String lastRefreshError;
  /** Pushed rows (see docs/push.md); opened with the store. */
  private volatile FreshLayer freshLayer;
  /** Kafka consumers of push views; null unless {@link #startKafka} ran. */
  private volatile KafkaIngest kafka;
  static final long FRESH_SWEEP_SECONDS = 60;

  private LarderServer(ServerConfig config, OnlineOptions onlineOptions, Clock clock, ServerBuilder<?> builder,
                       AutoCloseable transport) throws IOException {
    this.config = config;
    this.onlineOptions = onlineOptions;
    this.transport = transport;
    RowCache cache = new RowCache(config.cacheMaxEntries(), config.cacheExpireAfterWrite());
    this.registry = RegistryWatcher.start(config.registryPath(), cache);
    this.tokens = config.security().tokens() ? TokenStore.load(config.security().tokensFile()) : null;
    this.metricsTokens = config.metricsTokensFile() == null ? null : scrapeTokens(config.metricsTokensFile());
    this.readers = Executors.newFixedThreadPool(Math.max(1, config.threads() - 1), daemonThreads("larder-read"));
    this.lookup = new OnlineLookup(registry::current, cache, clock, config.maxEntitiesPerRequest(), readers,
        PARALLEL_READ_MIN_MISSES);
    this.discovery = new Discovery(registry::current, lookup, version(), config.project());
    metrics.cacheSource(() -> new ServingMetrics.CacheGauge(cache.stats(), cache.size()));
    metrics.registryVersionSource(() -> registry.current().version());
    metrics.viewSource(() -> discovery.viewStatuses().stream()
        .map(s -> new ServingMetrics.ViewGauge(s.view(), s.viewVersion(), s.servedVersion(), Math.max(s.runId(), 0),
            s.dataAgeSeconds(clock)))
        .toList());
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(SERVICE, ServingStatus.NOT_SERVING);

    if (config.directExecutor()) {
      builder.directExecutor();
      callExecutor = null;
    } else {
      callExecutor = Executors.newFixedThreadPool(config.threads(), daemonThreads("larder-rpc"));
      builder.executor(callExecutor);
    }
    this.requestBudget = new RequestBytesBudget(4L * config.maxInboundMessageSize());
    // Intercepts first, so that its refusals pass through the metrics and auth wrappers added below.
    builder.addStreamTracerFactory(requestBudget).intercept(requestBudget);
    builder.addService(new FeatureServingService(lookup, discovery, metrics,
            new PushService(registry::current, () -> freshLayer, () -> registry.dataChanged(lookup.dataVersions()))))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(legacyReflection());
    if (tokens != null) {
      // Added before the metrics interceptor so that it runs after it: refused calls are counted and logged.
      builder.intercept(new AuthInterceptor(tokens, config.security().openMethods()));
    }
    builder.intercept(new RpcMetricsInterceptor(metrics))
        .maxInboundMessageSize(config.maxInboundMessageSize());
    this.server = builder.build();
    this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("larder-refresh"));
  }

  /** The metrics endpoint's token file; a missing one is named by its own setting. */
  private static TokenStore scrapeTokens(java.nio.file.Path file) throws IOException {
    try {
      return TokenStore.load(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new java.nio.file.NoSuchFileException(file + " (server.metrics_tokens_file)");
    }
  }

  /** {@code grpc.reflection.v1alpha}, still asked for by grpcurl and older clients. */
  @SuppressWarnings("deprecation")
  private static io.grpc.BindableService legacyReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  /** The bound on request bytes held at once (for tests and metrics). */
  RequestBytesBudget requestBudget() {
    return requestBudget;
  }

  /** Same as {@link ServerMain#main}, so that either class can be named as the main class. */
  public static void main(String[] args) {
    ServerMain.main(args);
  }

  /** Starts a server on Netty at the configured port and opens the store: what {@code larder-server} runs. */
  public static LarderServer start(ServerConfig config, OnlineOptions onlineOptions) throws IOException {
    long started = System.nanoTime();
    NettyTransport netty = new NettyTransport(config.bindAddress(config.port()), config.threads(),
        Credentials.of(config.security()));
    LarderServer s;
    try {
      s = listen(config, onlineOptions, Clock.systemUTC(), netty.builder(), netty);
    } catch (IOException | RuntimeException e) {
      netty.close();
      throw e;
    }
    try {
      s.openStore();
      s.startMetricsEndpoint();
      s.startHttpEndpoint();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    LOG.info("event=started project={} registry_version={} registry={} online_store={} online_views={} host={} port={} "
            + "metrics_port={} metrics_access={} http_port={} transport={} security={} executor={} startup_ms={}",
        s.discovery.servingInfo().getProject(), s.registry.current().version(), config.registryPath(),
        config.onlineDir(), String.join(",", s.registry.current().onlineViews().keySet()), config.host(), s.port(),
        s.metricsEndpoint == null ? "off" : s.metricsEndpoint.port(),
        s.metricsEndpoint == null ? "off" : s.metricsEndpoint.scheme() + "://" + config.metricsHost()
            + (s.metricsTokens == null ? "" : "+tokens"),
        s.httpEndpoint == null ? "off" : s.httpEndpoint.port(), netty.name(), config.security().describe(),
        config.directExecutor() ? "direct" : "pool(" + config.threads() + ")", (System.nanoTime() - started) / 1_000_000);
    return s;
  }

  /**
   * Loads the registry and starts serving on {@code builder} with health NOT_SERVING (lookups answer
   * UNAVAILABLE) until {@link #openStore}.
   *
   * @param transport closed after the server terminated (event loops), or null
   */
  public static LarderServer listen(ServerConfig config, OnlineOptions onlineOptions, Clock clock,
                                    ServerBuilder<?> builder, AutoCloseable transport) throws IOException {
    LarderServer s = new LarderServer(config, onlineOptions, clock, builder, transport);
    try {
      s.server.start();
    } catch (IOException e) {
      s.close();
      throw BindAddress.failed("gRPC", ServerSetting.PORT, config.host(), config.port(), e);
    }
    s.startTimer();
    return s;
  }

  /** Opens the online store read-only and reports SERVING. */
  public void openStore() throws IOException {
    lookup.storeOpened(OnlineStore.openForReading(config.onlineDir(), onlineOptions));
    freshLayer = FreshLayer.open(config.onlineDir());
    lookup.freshRows(freshLayer);
    registry.dataChanged(lookup.dataVersions());
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(SERVICE, ServingStatus.SERVING);
  }

  private void startMetricsEndpoint() throws IOException {
    if (config.metricsPort() > 0) {
      SecurityConfig security = config.security();
      TokenStore scrapers = metricsTokens;
      try {
        metricsEndpoint = MetricsEndpoint.start(new MetricsEndpoint.Access(config.metricsHost(), config.metricsPort(),
            security.tls() ? TlsContext.of(security) : null, security.mutualTls(),
            scrapers == null ? null : token -> scrapers.authenticate(token).isPresent()), metrics);
      } catch (IOException e) {
        throw BindAddress.failed("metrics", ServerSetting.METRICS_PORT, config.metricsHost(), config.metricsPort(), e);
      }
    }
  }

  /**
   * Starts the HTTP/JSON API when {@code server.http_port} is set: the same lookup, discovery, tokens, TLS,
   * limits and metrics as the gRPC port, on its own port.
   */
  private void startHttpEndpoint() throws IOException {
    if (config.httpPort() > 0) {
      JsonApi api = new JsonApi(lookup, discovery, tokens, config.security().openMethods(),
          () -> lookup.store() != null && !closed.get());
      httpEndpoint = HttpEndpoint.start(config.bindAddress(config.httpPort()), config.threads(), config.security(),
          config.maxInboundMessageSize(), api, metrics, callExecutor);
    }
  }

  private void startTimer() {
    long refresh = config.refreshInterval().toMillis();
    long poll = config.registryPollInterval().toMillis();
    timer.scheduleWithFixedDelay(this::refreshStore, refresh, refresh, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::pollRegistry, poll, poll, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::sweepFresh, FRESH_SWEEP_SECONDS, FRESH_SWEEP_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Starts consuming the Kafka topics of push views (see docs/push.md); call after {@link #openStore}. The
   * consumers follow registry changes by themselves.
   */
  public void startKafka(KafkaIngest.Settings settings) {
    KafkaIngest k = new KafkaIngest(settings, registry::current, () -> freshLayer, config.onlineDir(),
        () -> registry.dataChanged(lookup.dataVersions()));
    metrics.streamSource(() -> k.gauges(Clock.systemUTC()));
    kafka = k;
    k.start();
    LOG.info("event=kafka_started bootstrap_servers={} group_id={}", settings.bootstrapServers(), settings.groupId());
  }

  /** Housekeeping of the fresh layers: only the newest pushed version of each entity is kept. */
  private void sweepFresh() {
    FreshLayer f = freshLayer;
    if (f != null && !closed.get()) {
      try {
        long deleted = f.sweep();
        if (deleted > 0) {
          LOG.info("event=fresh_sweep deleted_versions={}", deleted);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("event=fresh_sweep_failed message=\"{}\"", String.valueOf(e.getMessage()).replace('"', '\''));
      }
    }
  }

  private void refreshStore() {
    try {
      Set<String> changed = lookup.refreshStore();
      if (!changed.isEmpty()) {
        metrics.recordDataSwaps(changed.size());
        LOG.info("event=data_swap views={}", String.join(",", changed));
      }
      // After the store opened the new runs: switch views to a version that now has data.
      registry.dataChanged(lookup.dataVersions());
      lastRefreshError = null;
    } catch (IOException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.equals(lastRefreshError)) {
        LOG.warn("event=refresh_failed message=\"{}\"", message.replace('"', '\''));
      }
      lastRefreshError = message;
    }
  }

  private void pollRegistry() {
    try {
      switch (registry.poll()) {
        case LOADED -> metrics.recordRegistryReload(true);
        case REFUSED -> metrics.recordRegistryReload(false);
        case UNCHANGED -> { }
      }
      if (tokens != null) {
        tokens.poll();
      }
      if (metricsTokens != null) {
        metricsTokens.poll();
      }
    } catch (RuntimeException e) {
      LOG.warn("event=registry_poll_failed message=\"{}\"", String.valueOf(e.getMessage()).replace('"', '\''));
    }
  }

  public int port() {
    return server.getPort();
  }

  /** Port of the HTTP/JSON API, or -1 when it is off. */
  public int httpPort() {
    HttpEndpoint h = httpEndpoint;
    return h == null ? -1 : h.port();
  }

  /** The addresses the gRPC port listens on. */
  public java.util.List<? extends java.net.SocketAddress> listenAddresses() {
    return server.getListenSockets();
  }

  /** Port of the metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    MetricsEndpoint m = metricsEndpoint;
    return m == null ? -1 : m.port();
  }

  public ServingMetrics metrics() {
    return metrics;
  }

  public RegistryWatcher registry() {
    return registry;
  }

  /** Runs one store refresh and one registry poll now; tests use it instead of waiting for the timer. */
  public void refreshNow() throws InterruptedException {
    try {
      timer.submit(() -> {
        refreshStore();
        pollRegistry();
      }).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Graceful stop: health NOT_SERVING, no new calls, in-flight calls drain for up to the configured grace,
   * then the rest are cancelled; finally the online store's RocksDB handles are closed.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    health.enterTerminalState();
    timer.shutdownNow();
    server.shutdown();
    HttpEndpoint http = httpEndpoint;
    if (http != null) {
      http.close();
    }
    boolean drained = false;
    try {
      drained = server.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
      if (!drained) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (callExecutor != null) {
      callExecutor.shutdownNow();
    }
    readers.shutdownNow();
    KafkaIngest k = kafka;
    if (k != null) {
      k.close();
    }
    FreshLayer f = freshLayer;
    if (f != null) {
      f.close();
    }
    OnlineStore store = lookup.store();
    if (store != null) {
      store.close();
    }
    MetricsEndpoint m = metricsEndpoint;
    if (m != null) {
      m.close();
    }
    if (transport != null) {
      try {
        transport.close();
      } catch (Exception e) {
        LOG.warn("event=transport_close_failed message=\"{}\"", e.getMessage());
      }
    }
    LOG.info("event=stopped drained={} duration_ms={}", drained, (System.nanoTime() - started) / 1_000_000);
  }

  /** The server version reported by discovery: the build's version (the commit is in --version). */
  static String version() {
    return dev.larder.build.BuildInfo.current().version();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
