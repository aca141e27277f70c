package dev.larder.bench;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Online lookups over loopback gRPC against larder-server in its own JVM, with the same client, connections,
 * concurrency and load shape measuring {@code grpc.health.v1.Health/Check} as the transport's own ceiling.
 * The store holds {@code --entities} entities materialized from a generated source; keys are uniform random.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Online lookup latency and throughput vs. gRPC Health/Check on the same connections.")
final class ServeScenario extends Scenario {
  @Option(names = "--entities", defaultValue = "100000", description = "Entities in the online store (default: ${DEFAULT-VALUE}).")
  long entities;

  @Option(names = "--views", defaultValue = "5", description = "Views defined and requested (default: ${DEFAULT-VALUE}).")
  int views;

  @Option(names = "--features", defaultValue = "50",
      description = "Features per request, spread evenly over the views, at most 10 per view (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--entities-per-request", defaultValue = "1", description = "Entity rows per request (default: ${DEFAULT-VALUE}).")
  int entitiesPerRequest;

  @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients, one channel each (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--rate", defaultValue = "100", description = "Open loop: requests per second in total (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--closed", description = "Closed loop (maximum throughput) instead of open loop.")
  boolean closed;

  @Option(names = "--outstanding", defaultValue = "16", description = "Closed loop: calls kept in flight in total (default: ${DEFAULT-VALUE}).")
  int outstanding;

  @Option(names = "--duration", defaultValue = "30", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(names = "--warmup", defaultValue = "10", description = "Warm-up seconds before each run (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--burst", defaultValue = "5", description = "Open loop: seconds of unmeasured closed-loop calls "
      + "before the warm-up, so that the JIT compiler has compiled the request path and the run measures a server "
      + "in steady state (default: ${DEFAULT-VALUE}; 0 measures a freshly started server).")
  double burst;

  @Option(names = "--cache-entries", description = "Server lookup cache size in rows (default: the server's).")
  Long cacheEntries;

  @Option(names = "--server-jvm-opts", defaultValue = "-Xmx1g", description = "JVM options of larder-server (default: ${DEFAULT-VALUE}).")
  String serverJvmOpts;

  @Option(names = "--suite", description = "Run the three goal configurations on one store: 1x50 and 100x50 open loop "
      + "at 100 req/s with 4 clients, and 1x50 closed loop (with --http and --python).")
  boolean suite;

  @Option(names = "--http", description = "Also run the same load against the HTTP/JSON route (POST /v1/features:get) "
      + "of the same server, after the gRPC lookups.")
  boolean http;

  @Option(names = "--python", description = "Also time single lookups, one at a time, from the Python client "
      + "(clients/python, installed into a virtual environment over Debian's python3 packages) and from the Java stub.")
  boolean python;

  @Option(names = "--http-client", defaultValue = "auto", description = "Load generator of the HTTP/JSON runs: "
      + "'wrk' (Debian's wrk with a Lua body; closed loop only), 'jdk' (the JDK HttpClient under the same load code "
      + "as gRPC), or 'auto': wrk for closed-loop runs when it is installed, else jdk with a note "
      + "(default: ${DEFAULT-VALUE}).")
  String httpClient;

  private int httpPort;

  @Override
  List<Report> measure() throws Exception {
    List<LoadConfig> configs = suite
        ? List.of(new LoadConfig(1, false, false, false), new LoadConfig(100, false, false, false),
            new LoadConfig(1, true, true, true))
        : List.of(new LoadConfig(entitiesPerRequest, closed, http, python));
    List<Report> reports = new ArrayList<>();
    for (LoadConfig c : configs) {
      reports.add(new Report("serve", c.title()));
    }
    String refused = checkHttpClient(configs);
    if (refused != null) {
      reports.forEach(r -> r.notAvailable(refused));
      return reports;
    }
    try (Workspace ws = Workspace.create(work, "serve")) {
      ServerProcess server = null;
      try {
        Map<String, Object> setup = new LinkedHashMap<>();
        server = prepare(ws, setup);
        for (int i = 0; i < configs.size(); i++) {
          LoadConfig c = configs.get(i);
          ServerProcess s = server;
          attempt(reports.get(i), r -> {
            r.detail("setup", setup);
            run(s, c, r);
          });
        }
      } catch (NotAvailable e) {
        reports.forEach(r -> r.notAvailable(e.getMessage()));
      } catch (Exception e) {
        reports.forEach(r -> r.failed(e.toString()));
        e.printStackTrace();
      } finally {
        if (server != null) {
          server.close();
          double rss = server.peakRssMb();
          String log = server.log().toString();
          reports.forEach(r -> r.detail("server_peak_rss_mb", rss).detail("server_log", log));
        }
      }
    }
    return reports;
  }

  /** One load shape against the prepared store. */
  private record LoadConfig(int entitiesPerRequest, boolean closed, boolean http, boolean python) {
    String title() {
      return entitiesPerRequest + (entitiesPerRequest == 1 ? " entity" : " entities") + " per request, "
          + (closed ? "closed loop" : "open loop");
    }
  }

  /** Generates the source, applies, materializes and starts the server. */
  private ServerProcess prepare(Workspace ws, Map<String, Object> setup) throws Exception {
    if (features < views || features > views * WideSource.FEATURES || features % views != 0) {
      throw new IllegalArgumentException("--features " + features + " must be a multiple of --views " + views
          + " and at most " + views * WideSource.FEATURES);
    }
    fillStore(ws, entities, views, seed, endInstant(), childJvm(), setup);
    Map<String, String> env = new HashMap<>();
    if (cacheEntries != null) {
      env.put("LARDER_CACHE_MAX_ENTRIES", Long.toString(cacheEntries));
    }
    if (http || suite) {
      httpPort = ServerProcess.freePort();
      env.put("LARDER_HTTP_PORT", Integer.toString(httpPort));
    }
    return ServerProcess.start(ws.repo(), ws.logs(), splitOpts(serverJvmOpts), env);
  }

  /**
   * Generates {@link WideSource} data for {@code entities} entities, applies {@code views} views over it and
   * materializes the last two days into the workspace's online store; what it took goes into {@code setup}.
   */
  static void fillStore(Workspace ws, long entities, int views, long seed, java.time.Instant end, List<String> childJvm,
                        Map<String, Object> setup) throws Exception {
    long t0 = System.nanoTime();
    ws.init();
    ws.removeExampleDefinitions();
    WideSource.generate(ws.repo(), entities, seed, end);
    ws.writeDefinitions("bench.textproto", WideSource.definitions(views));
    ws.apply();
    setup.put("generate_and_apply_seconds", (System.nanoTime() - t0) / 1e9);
    Child.Result mat = Child.jvm("materialize", ws.logs(), childJvm, "larder", ws.repoArgs("materialize",
        "--start", end.minus(Duration.ofDays(2)).toString(), "--end", end.toString())).check();
    setup.put("materialize", mat.toJson());
  }

  private void run(ServerProcess server, LoadConfig c, Report r) throws Exception {
    int perView = features / views;
    List<String> refs = new ArrayList<>();
    for (int v = 1; v <= views; v++) {
      for (int f = 1; f <= perView; f++) {
        refs.add(WideSource.view(v) + ":" + WideSource.feature(f));
      }
    }
    FeatureList.Builder list = FeatureList.newBuilder();
    refs.forEach(ref -> list.addRefsBytes(com.google.protobuf.ByteString.copyFromUtf8(ref)));
    FeatureList featureList = list.build();
    Load.Shape shape = new Load.Shape(!c.closed(), rate, clients, outstanding, burst, warmup, duration);
    r.param("entities", entities).param("views", views).param("features_per_request", features)
        .param("entities_per_request", c.entitiesPerRequest()).param("mode", c.closed() ? "closed" : "open")
        .param("clients", clients).param(c.closed() ? "outstanding" : "rate_per_s", c.closed() ? outstanding : rate)
        .param("duration_s", duration).param("warmup_s", warmup).param("burst_s", c.closed() ? 0 : burst)
        .param("cache_entries", cacheEntries == null ? "server default" : cacheEntries)
        .param("keys", "uniform random over all entities").param("transport", "grpc-netty-shaded, loopback, plaintext")
        .param("server_jvm_opts", serverJvmOpts).param("seed", seed);

    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().directExecutor()
            .maxInboundMessageSize(64 << 20).build());
      }
      List<FeatureServingGrpc.FeatureServingFutureStub> lookups = new ArrayList<>();
      List<HealthGrpc.HealthFutureStub> health = new ArrayList<>();
      List<SplittableRandom> randoms = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        lookups.add(FeatureServingGrpc.newFutureStub(channels.get(i)));
        health.add(HealthGrpc.newFutureStub(channels.get(i)));
        randoms.add(new SplittableRandom(seed * 31 + i));
      }
      verify(lookups.get(0), featureList, r);

      long self = ProcessHandle.current().pid();
      java.util.function.LongSupplier serverCpu = () -> ProcStatus.cpuNanos(server.pid());
      java.util.function.LongSupplier clientCpu = () -> ProcStatus.cpuNanos(self);
      Load.Result lookup;
      Load.Result check;
      try (JvmProbe probe = JvmProbe.attach(server.pid())) {
        lookup = Load.run(client -> lookups.get(client).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getOnlineFeatures(request(featureList, c.entitiesPerRequest(), randoms.get(client))), shape,
            serverCpu, clientCpu, probe.allocatedBytes(), probe.uptimeMillis());
        HealthCheckRequest hc = HealthCheckRequest.getDefaultInstance();
        check = Load.run(client -> health.get(client).withDeadlineAfter(10, TimeUnit.SECONDS).check(hc),
            shape, serverCpu, clientCpu, probe.allocatedBytes(), probe.uptimeMillis());
        Map<String, Object> gcs = gc(probe, lookup);
        r.detail("server_gc_during_lookups", gcs).detail("server_gc_during_health", gc(probe, check));
        if (gcs.containsKey("collections")) {
          r.figure("server_gc_collections", "server GC pauses while measuring lookups",
                  ((Number) gcs.get("collections")).doubleValue(), "pauses")
              .figure("server_gc_pause_max_ms", "server longest GC pause while measuring lookups",
                  ((Number) gcs.get("pause_ms_max")).doubleValue(), "ms");
        }
        if (probe.unavailable() != null) {
          r.note("server JVM not attachable, no allocation or GC figures: " + probe.unavailable());
        }
      }

      Load.Result canned = measureCanned(lookups.get(0), featureList, c, shape, clientCpu, server.log().getParent(), r);

      r.detail("lookup", lookup.toJson()).detail("health_check", check.toJson()).detail("canned", canned.toJson());
      if (!c.closed()) {
        org.HdrHistogram.Histogram floor = LoopbackFloor.measure(rate, Math.min(warmup, 2), duration);
        r.figure("loopback_floor_p50_ms", "loopback round trip p50 (floor)", floor.getValueAtPercentile(50) / 1000.0, "ms")
            .figure("loopback_floor_p99_ms", "loopback round trip p99 (floor)", floor.getValueAtPercentile(99) / 1000.0, "ms");
      }
      report(r, c, lookup, check, canned);
      if (c.http()) {
        ClientLoads.Http httpLoad = new ClientLoads.Http(httpPort, refs, entities, c.entitiesPerRequest(), clients, seed);
        httpLoad.verify(refs.size());
        Path wrk = httpLoadGenerator(c, r);
        if (wrk != null) {
          WrkLoad.Result overHttp = WrkLoad.run(wrk, server.log().getParent(), httpPort, refs, WideSource.JOIN_KEY,
              entities, c.entitiesPerRequest(), clients, outstanding, warmup, duration, seed, serverCpu);
          r.detail("http_lookup", overHttp.toJson())
              .param("http_client", "wrk (Debian), Lua body, " + Math.min(clients, outstanding) + " threads, "
                  + outstanding + " keep-alive connections, closed loop")
              .figure("http_p50_ms", "HTTP/JSON lookup p50 (wrk)", overHttp.p50Ms(), "ms")
              .figure("http_p99_ms", "HTTP/JSON lookup p99 (wrk)", overHttp.p99Ms(), "ms")
              .figure("http_throughput", "HTTP/JSON lookup throughput (wrk)", overHttp.throughput(), "req/s")
              .figure("http_errors", "HTTP/JSON lookup errors (wrk)", overHttp.errors(), "calls", atMost(0))
              .figure("http_throughput_ratio", "HTTP/JSON (wrk) / gRPC lookup throughput",
                  overHttp.throughput() / lookup.throughput(), "x", c.entitiesPerRequest() == 1 ? atLeast(0.5) : null)
              .figure("server_cpu_us_per_http_lookup", "server CPU per HTTP/JSON lookup (wrk)",
                  overHttp.serverCpuMicrosPerCall(), "us")
              .figure("client_cpu_us_per_http_lookup", "wrk CPU per HTTP/JSON lookup",
                  overHttp.wrkCpuMicrosPerCall(), "us");
        } else {
          Load.Result overHttp = Load.run(httpLoad, shape, serverCpu, clientCpu);
          r.detail("http_lookup", overHttp.toJson()).param("http_client", "JDK HttpClient, HTTP/1.1 keep-alive, one per client")
              .figure("http_p50_ms", "HTTP/JSON lookup p50", overHttp.percentileMs(50), "ms")
              .figure("http_p99_ms", "HTTP/JSON lookup p99", overHttp.percentileMs(99), "ms")
              .figure("http_throughput", "HTTP/JSON lookup throughput", overHttp.throughput(), "req/s")
              .figure("http_errors", "HTTP/JSON lookup errors", overHttp.errors(), "calls", atMost(0))
              .figure("http_throughput_ratio", "HTTP/JSON / gRPC lookup throughput",
                  overHttp.throughput() / lookup.throughput(), "x",
                  c.closed() && c.entitiesPerRequest() == 1 ? atLeast(0.5) : null)
              .figure("server_cpu_us_per_http_lookup", "server CPU per HTTP/JSON lookup", overHttp.cpuMicrosPerCall(0), "us")
              .figure("client_cpu_us_per_http_lookup", "client CPU per HTTP/JSON lookup", overHttp.cpuMicrosPerCall(1), "us");
        }
      }
      if (c.python()) {
        singleLookups(server, featureList, refs, r);
      }
    } finally {
      for (ManagedChannel ch : channels) {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Why {@code --http-client} cannot be honoured for these runs (checked before any work), or null. */
  private String checkHttpClient(List<LoadConfig> configs) {
    if (!List.of("auto", "wrk", "jdk").contains(httpClient)) {
      return "--http-client " + httpClient + ": expected auto, wrk or jdk";
    }
    boolean http = configs.stream().anyMatch(LoadConfig::http);
    if (httpClient.equals("wrk") && http) {
      if (configs.stream().anyMatch(c -> c.http() && !c.closed())) {
        return "--http-client wrk measures closed loop only (add --closed)";
      }
      if (WrkLoad.find() == null) {
        return WrkLoad.INSTALL_HINT;
      }
    }
    return null;
  }

  /**
   * wrk for this run's HTTP load, or null for the JDK generator: {@code --http-client wrk} needs it installed;
   * {@code auto} takes it for closed-loop runs when it is, and notes why not otherwise.
   */
  private Path httpLoadGenerator(LoadConfig c, Report r) {
    Path wrk = WrkLoad.find();
    if (httpClient.equals("jdk")) {
      return null;
    }
    if (c.closed() && wrk == null) {
      r.note(WrkLoad.INSTALL_HINT + ": HTTP/JSON measured with the JDK HttpClient, whose own CPU per call "
          + "(client_cpu_us_per_http_lookup) competes with the server for the same cores");
    }
    return c.closed() ? wrk : null;
  }

  /** Single lookups one at a time from the Java stub and from the Python client, on the same server. */
  private void singleLookups(ServerProcess server, FeatureList featureList, List<String> refs, Report r)
      throws Exception {
    org.HdrHistogram.Histogram java = ClientLoads.javaSingle(server.port(), featureList, entities, seed, warmup, duration);
    r.figure("java_single_p50_ms", "Java client single lookup p50", java.getValueAtPercentile(50) / 1000.0, "ms")
        .figure("java_single_p99_ms", "Java client single lookup p99", java.getValueAtPercentile(99) / 1000.0, "ms");
    ClientLoads.PythonResult py = ClientLoads.pythonSingle(checkout(), server.log().getParent(),
        server.port(), refs, entities, seed, warmup, duration);
    if (py.unavailable() != null) {
      r.note("Python client not measured: " + py.unavailable());
      return;
    }
    r.detail("python_single_calls", py.calls()).detail("java_single_calls", java.getTotalCount())
        .figure("python_single_p50_ms", "Python client single lookup p50", py.p50Ms(), "ms")
        .figure("python_single_p99_ms", "Python client single lookup p99", py.p99Ms(), "ms");
  }

  /** The checkout holding clients/python: the working directory (larder-bench runs there) or a parent of it. */
  private static Path checkout() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("clients/python/setup.py"))) {
        return p;
      }
    }
    throw new NotAvailable("clients/python/setup.py not found in the working directory or its parents");
  }

  private void report(Report r, LoadConfig c, Load.Result lookup, Load.Result check, Load.Result canned) {
    boolean standardLoad = !c.closed() && clients == 4 && rate == 100 && features == 50 && views == 5;
    Report.Goal p99Goal = null;
    if (standardLoad && c.entitiesPerRequest() == 1) {
      p99Goal = atMost(0.5);
    } else if (standardLoad && c.entitiesPerRequest() == 100) {
      p99Goal = atMost(3);
    } else if (!c.closed() && entities >= 10_000_000 && rate >= 1000 && cacheEntries != null
        && cacheEntries <= entities / 100) {
      p99Goal = atMost(1);
    }
    String pre = "lookup ";
    r.figure("lookup_p50_ms", pre + "p50", lookup.percentileMs(50), "ms")
        .figure("lookup_p90_ms", pre + "p90", lookup.percentileMs(90), "ms")
        .figure("lookup_p99_ms", pre + "p99", lookup.percentileMs(99), "ms", p99Goal)
        .figure("lookup_p999_ms", pre + "p99.9", lookup.percentileMs(99.9), "ms")
        .figure("lookup_max_ms", pre + "max", lookup.maxMs(), "ms")
        .figure("lookup_throughput", pre + "throughput", lookup.throughput(), "req/s")
        .figure("lookup_errors", pre + "errors", lookup.errors(), "calls", atMost(0))
        .figure("health_p50_ms", "Health/Check p50", check.percentileMs(50), "ms")
        .figure("health_p99_ms", "Health/Check p99", check.percentileMs(99), "ms")
        .figure("health_max_ms", "Health/Check max", check.maxMs(), "ms")
        .figure("health_throughput", "Health/Check throughput", check.throughput(), "req/s")
        .figure("health_errors", "Health/Check errors", check.errors(), "calls", atMost(0))
        .figure("throughput_ratio", "lookup / Health throughput", lookup.throughput() / check.throughput(), "x",
            c.closed() && c.entitiesPerRequest() == 1 ? atLeast(0.8) : null)
        .figure("p99_ratio", "lookup p99 / Health p99", lookup.percentileMs(99) / check.percentileMs(99), "x")
        .figure("canned_p99_ms", "zero-work server p99", canned.percentileMs(99), "ms")
        .figure("canned_throughput", "zero-work server throughput", canned.throughput(), "req/s")
        .figure("canned_ratio", "zero-work server / Health throughput", canned.throughput() / check.throughput(), "x")
        .figure("server_cpu_us_per_canned", "zero-work server CPU per call", canned.cpuMicrosPerCall(0), "us")
        .figure("server_cpu_us_per_lookup", "server CPU per lookup", lookup.cpuMicrosPerCall(0), "us")
        .figure("server_cpu_us_per_health", "server CPU per Health/Check", check.cpuMicrosPerCall(0), "us")
        .figure("client_cpu_us_per_lookup", "client CPU per lookup", lookup.cpuMicrosPerCall(1), "us")
        .figure("client_cpu_us_per_health", "client CPU per Health/Check", check.cpuMicrosPerCall(1), "us")
        .figure("server_bytes_per_lookup", "server heap allocated per lookup", lookup.perCall(2), "bytes")
        .figure("server_bytes_per_health", "server heap allocated per Health/Check", check.perCall(2), "bytes")
        .figure("server_bytes_per_canned", "zero-work server heap allocated per call", canned.perCall(2), "bytes")
        .figure("p99_vs_canned", "lookup p99 / zero-work server p99",
            lookup.percentileMs(99) / canned.percentileMs(99), "x", c.closed() ? null
                : atMost(c.entitiesPerRequest() == 1 ? 1.2 : 1.5))
        .figure("p50_vs_canned", "lookup p50 / zero-work server p50",
            lookup.percentileMs(50) / canned.percentileMs(50), "x", !c.closed() && c.entitiesPerRequest() == 1
                ? atMost(1.2) : null);
    if (c.closed()) {
      r.figure("throughput_vs_canned", "lookup / zero-work server throughput",
              lookup.throughput() / canned.throughput(), "x", c.entitiesPerRequest() == 1 ? atLeast(0.85) : null)
          .figure("cpu_vs_canned", "server CPU per lookup / zero-work server's",
              lookup.cpuMicrosPerCall(0) / canned.cpuMicrosPerCall(0), "x", c.entitiesPerRequest() == 1 ? atMost(1.3) : null);
    }
    if (!c.closed() && lookup.throughput() < 0.95 * rate) {
      r.note(String.format(Locale.ROOT, "achieved %.1f req/s of the %.0f req/s asked for", lookup.throughput(), rate));
    }
  }

  /**
   * The same load against {@link CannedServer}, which answers every call with a response larder-server just gave
   * for this shape and does no lookup: the ceiling of any lookup path for responses of this size here.
   */
  private Load.Result measureCanned(FeatureServingGrpc.FeatureServingFutureStub larder, FeatureList featureList,
                                    LoadConfig c, Load.Shape shape, java.util.function.LongSupplier clientCpu,
                                    Path logDir, Report r) throws Exception {
    byte[] response = larder.withDeadlineAfter(30, TimeUnit.SECONDS)
        .getOnlineFeatures(request(featureList, c.entitiesPerRequest(), new SplittableRandom(seed + 1))).get()
        .toByteArray();
    List<ManagedChannel> channels = new ArrayList<>();
    try (ServerProcess canned = ServerProcess.startCanned(response, logDir, splitOpts(serverJvmOpts))) {
      List<FeatureServingGrpc.FeatureServingFutureStub> stubs = new ArrayList<>();
      List<SplittableRandom> randoms = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", canned.port()).usePlaintext().directExecutor()
            .maxInboundMessageSize(64 << 20).build();
        channels.add(ch);
        stubs.add(FeatureServingGrpc.newFutureStub(ch));
        randoms.add(new SplittableRandom(seed * 31 + i));
      }
      try (JvmProbe probe = JvmProbe.attach(canned.pid())) {
        Load.Result result = Load.run(client -> stubs.get(client).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getOnlineFeatures(request(featureList, c.entitiesPerRequest(), randoms.get(client))),
            shape, () -> ProcStatus.cpuNanos(canned.pid()), clientCpu, probe.allocatedBytes(), probe.uptimeMillis());
        r.detail("canned_gc", gc(probe, result));
        return result;
      }
    } finally {
      for (ManagedChannel ch : channels) {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * One request's worth of uniform random keys. The feature list is built once, as a client that asks for
   * the same features on every call would (with the references already UTF-8 encoded).
   */
  private GetOnlineFeaturesRequest request(FeatureList features, int rows, SplittableRandom random) {
    RepeatedValue.Builder keys = RepeatedValue.newBuilder();
    for (int i = 0; i < rows; i++) {
      keys.addValues(Value.newBuilder().setInt64Val(random.nextLong(entities)));
    }
    return GetOnlineFeaturesRequest.newBuilder()
        .setFeatures(features)
        .putEntities(WideSource.JOIN_KEY, keys.build())
        .setFullFeatureNames(true)
        .build();
  }

  /** Before measuring, checks that lookups return every feature PRESENT: an empty store would be fast and wrong. */
  private void verify(FeatureServingGrpc.FeatureServingFutureStub stub, FeatureList featureList, Report r)
      throws Exception {
    List<String> refs = featureList.getRefsList();
    int rows = (int) Math.min(20, entities);
    GetOnlineFeaturesRequest req = request(featureList, rows, new SplittableRandom(seed));
    GetOnlineFeaturesResponse resp = stub.withDeadlineAfter(30, TimeUnit.SECONDS).getOnlineFeatures(req).get();
    if (resp.getResultsCount() != refs.size()) {
      throw new IllegalStateException("asked for " + refs.size() + " features, got " + resp.getResultsCount());
    }
    for (FeatureVector v : resp.getResultsList()) {
      for (FieldStatus s : v.getStatusesList()) {
        if (s != FieldStatus.PRESENT) {
          throw new IllegalStateException("a materialized entity came back " + s + "; the store is not filled");
        }
      }
    }
    r.detail("verified", rows + " random entities returned all " + refs.size() + " features PRESENT");
  }

  /** The collections a server JVM made while {@code run} was measured (clocks 2 and 3: bytes, uptime). */
  private static Map<String, Object> gc(JvmProbe probe, Load.Result run) {
    long from = run.startReadings()[3];
    if (from < 0 || run.cpuNanos()[3] < 0) {
      return Map.of("unavailable", String.valueOf(probe.unavailable()));
    }
    return JvmProbe.summary(probe.collections(from, from + run.cpuNanos()[3]), run.seconds());
  }

  static List<String> splitOpts(String opts) {
    return opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
  }
}
