package dev.larder.serving;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.materialize.OnlineWriter;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.time.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A developer tool, not a test: writes a repository with 5 views of 10 double features over {@code user_id}
 * ({@code setup DIR ENTITIES}), or starts larder-server on it in this JVM and measures lookups against
 * Health/Check on the same channel ({@code bench DIR ENTITIES}). The lead's larder-bench is the reference
 * benchmark; this is the quick loop used while tuning the server.
 */
public final class LookupLoad {
  static final int VIEWS = 5;
  static final int FEATURES = 10;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    long entities = Long.parseLong(args[2]);
    if (args[0].equals("setup")) {
      setup(dir, entities);
      return;
    }
    if (args[0].equals("cpu")) {
      cpu(dir, entities, args.length > 3 ? new int[] {Integer.parseInt(args[3])} : new int[] {1, 100});
      return;
    }
    ServerMain main = (ServerMain) ServerMain.commandLine(System.getenv()).parseArgs("--repo", dir.toString(),
        "--metrics-port", "0", "--port", "0").commandSpec().userObject();
    ServerConfig config = main.config();
    try (LarderServer server = LarderServer.start(config, main.onlineOptions())) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().directExecutor().build();
      var lookups = FeatureServingGrpc.newFutureStub(ch);
      var health = HealthGrpc.newFutureStub(ch);
      List<String> refs = new ArrayList<>();
      for (int v = 1; v <= VIEWS; v++) {
        for (int f = 1; f <= FEATURES; f++) {
          refs.add("view" + v + ":f" + f);
        }
      }
      SplittableRandom random = new SplittableRandom(7);
      Supplier<GetOnlineFeaturesRequest> one = () -> request(refs, 1, entities, random);
      Supplier<GetOnlineFeaturesRequest> hundred = () -> request(refs, 100, entities, random);
      for (int round = 0; round < 2; round++) {
        closedLoop("health", () -> health.check(HealthCheckRequest.getDefaultInstance()), 5);
        closedLoop("lookup 1x50", () -> lookups.getOnlineFeatures(one.get()), 5);
      }
      openLoop("lookup 1x50 @100/s", () -> lookups.getOnlineFeatures(one.get()), 100, 10);
      openLoop("lookup 100x50 @100/s", () -> lookups.getOnlineFeatures(hundred.get()), 100, 10);
      ch.shutdownNow();
    }
  }

  /** CPU time per lookup in the domain layer plus response serialization, without transport or contention. */
  static void cpu(Path dir, long entities, int[] sizes) throws Exception {
    ProjectConfig project = ProjectConfig.load(dir);
    var cache = new dev.larder.serving.lookup.RowCache(1_000_000, Duration.ofMinutes(10));
    var registry = dev.larder.serving.lookup.RegistryWatcher.start(project.registryPath(), cache);
    var lookup = new dev.larder.serving.lookup.OnlineLookup(registry::current, cache, java.time.Clock.systemUTC(), 10_000);
    try (var store = dev.larder.online.OnlineStore.openForReading(project.onlineDir(),
        OnlineOptions.fromSettings(project.settings()))) {
      lookup.storeOpened(store);
      List<String> refs = new ArrayList<>();
      for (int v = 1; v <= VIEWS; v++) {
        for (int f = 1; f <= FEATURES; f++) {
          refs.add("view" + v + ":f" + f);
        }
      }
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      SplittableRandom random = new SplittableRandom(3);
      for (int rows : sizes) {
        for (int round = 0; round < 3; round++) {
          int n = rows == 1 ? 50_000 : 2_000;
          long bytes = 0;
          long cpu0 = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) {
            bytes += lookup.lookup(request(refs, rows, entities, random), () -> false).getSerializedSize();
          }
          long cpu = threads.getCurrentThreadCpuTime() - cpu0;
          System.out.printf("%3d x 50: %7.1f us CPU per request (lookup + request build), %6d response bytes%n",
              rows, cpu / 1e3 / n, bytes / n);
        }
      }
      var stats = cache.stats();
      System.out.printf("cache hit ratio %.3f%n", stats.hitRate());
    }
  }

  static GetOnlineFeaturesRequest request(List<String> refs, int rows, long entities, SplittableRandom random) {
    RepeatedValue.Builder keys = RepeatedValue.newBuilder();
    for (int i = 0; i < rows; i++) {
      keys.addValues(Value.newBuilder().setInt64Val(random.nextLong(entities)));
    }
    return GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addAllRefs(refs))
        .putEntities("user_id", keys.build()).setFullFeatureNames(true).build();
  }

  /** Keeps 16 calls in flight for {@code seconds}; prints throughput. */
  static void closedLoop(String name, Supplier<com.google.common.util.concurrent.ListenableFuture<?>> call, int seconds)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(16);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      inFlight.acquire();
      call.get().addListener(() -> {
        done.incrementAndGet();
        inFlight.release();
      }, Runnable::run);
    }
    inFlight.acquire(16);
    System.out.printf("%-22s closed loop: %8.0f req/s%n", name, done.get() / (double) seconds);
  }

  /** Sends at a fixed rate, timing each call from its intended start; prints percentiles. */
  static void openLoop(String name, Supplier<com.google.common.util.concurrent.ListenableFuture<?>> call, int rate,
                       int seconds) throws InterruptedException {
    int n = rate * seconds;
    long[] latencies = new long[n];
    CountDownLatch latch = new CountDownLatch(n);
    long start = System.nanoTime() + 50_000_000;
    for (int i = 0; i < n; i++) {
      long intended = start + i * 1_000_000_000L / rate;
      while (System.nanoTime() < intended) {
        long wait = intended - System.nanoTime();
        if (wait > 200_000) Thread.sleep(0, 100_000);
      }
      int slot = i;
      call.get().addListener(() -> {
        latencies[slot] = System.nanoTime() - intended;
        latch.countDown();
      }, Runnable::run);
    }
    latch.await();
    Arrays.sort(latencies);
    System.out.printf("%-22s open loop: p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", name, latencies[n / 2] / 1e6,
        latencies[(int) (n * 0.99)] / 1e6, latencies[n - 1] / 1e6);
  }

  static void setup(Path dir, long entities) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("loadtest"));
    ProjectConfig project = ProjectConfig.load(dir);
    Field userId = Field.newBuilder().setName("user_id").setType(ValueType.INT64).build();
    Registry.Builder registry = Registry.newBuilder().setProject("loadtest").setVersion(1)
        .addEntities(Entity.newBuilder().setName("user").addJoinKeys(userId));
    FeatureService.Builder service = FeatureService.newBuilder().setName("all");
    for (int v = 1; v <= VIEWS; v++) {
      FeatureView.Builder view = FeatureView.newBuilder().setName("view" + v).addEntities("user");
      for (int f = 1; f <= FEATURES; f++) {
        view.addFeatures(Feature.newBuilder().setName("f" + f).setType(ValueType.DOUBLE));
      }
      registry.addFeatureViews(view);
      service.addFeatures("view" + v);
    }
    registry.addFeatureServices(service);
    RegistryFile.write(project.registryPath(), registry.build());
    long now = Timestamps.toMicros(java.time.Instant.now());
    List<ValueType> types = java.util.Collections.nCopies(FEATURES, ValueType.DOUBLE);
    for (int v = 1; v <= VIEWS; v++) {
      try (OnlineWriter w = OnlineWriter.begin(project.onlineDir(), "view" + v, 1, List.of(userId), types, null, now,
          OnlineOptions.defaults().withSortBufferBytes(64 << 20))) {
        Object[] values = new Object[FEATURES];
        for (long e = 0; e < entities; e++) {
          for (int f = 0; f < FEATURES; f++) {
            values[f] = e * 0.5 + f;
          }
          w.put(new Object[] {e}, now - 60_000_000L, FeatureRowCodec.NO_CREATED_TIMESTAMP, values);
        }
        w.commit();
      }
    }
    System.out.println("wrote " + dir + " with " + entities + " entities in " + VIEWS + " views; registry "
        + project.registryPath() + ", online " + project.onlineDir());
  }
}
