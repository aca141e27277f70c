package dev.larder.bench;

import com.sun.management.ThreadMXBean;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.registry.ProjectConfig;
import dev.larder.serving.lookup.EncodedResponse;
import dev.larder.serving.lookup.Grant;
import dev.larder.serving.lookup.OnlineLookup;
import dev.larder.serving.lookup.RegistryWatcher;
import dev.larder.serving.lookup.RowCache;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Larder's own cost per lookup, without a network or a transport: the server's lookup layer called in this JVM,
 * on one thread, over the same store the serve scenario uses. It reports the thread's CPU time and the heap
 * bytes it allocated per call, both read from the JVM's per-thread counters, so the figures hold on a busy
 * machine far better than wall-clock times do. Cache hits (every row cached after the warm-up) and cache
 * misses (cache disabled: every row read from RocksDB) are measured separately.
 */
@Command(name = "lookup-cost", mixinStandardHelpOptions = true,
    description = "In-process CPU time and heap bytes per lookup (cache hits and misses), without transport.")
final class LookupCostScenario extends Scenario {
  @Option(names = "--entities", defaultValue = "100000", description = "Entities in the online store (default: ${DEFAULT-VALUE}).")
  long entities;

  @Option(names = "--views", defaultValue = "5", description = "Views defined and requested (default: ${DEFAULT-VALUE}).")
  int views;

  @Option(names = "--features", defaultValue = "50", description = "Features per request (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--calls", defaultValue = "200000", description = "Measured calls per case (default: ${DEFAULT-VALUE}).")
  int calls;

  private static final int[] ROWS = {1, 100};

  @Override
  List<Report> measure() throws Exception {
    List<Report> reports = new ArrayList<>();
    for (int rows : ROWS) {
      reports.add(new Report("lookup-cost", rows + (rows == 1 ? " entity" : " entities") + " per request, in process"));
    }
    try (Workspace ws = Workspace.create(work, "lookup-cost")) {
      Map<String, Object> setup = new LinkedHashMap<>();
      ServeScenario.fillStore(ws, entities, views, seed, endInstant(), childJvm(), setup);
      ProjectConfig config = ws.config();
      try (OnlineStore store = OnlineStore.openForReading(config.onlineDir(), OnlineOptions.defaults())) {
        for (int i = 0; i < ROWS.length; i++) {
          int rows = ROWS[i];
          attempt(reports.get(i), r -> {
            r.detail("setup", setup).param("entities", entities).param("views", views)
                .param("features_per_request", features).param("entities_per_request", rows).param("calls", calls)
                .param("keys", "uniform random over all entities");
            int n = rows == 1 ? calls : Math.max(1000, calls / 50);
            Cost hit = cost(config, store, rows, 2_000_000, n);
            Cost miss = cost(config, store, rows, 0, Math.max(1000, n / 10));
            r.figure("cpu_us_per_hit", "CPU per lookup, all rows cached", hit.cpuMicros(), "us")
                .figure("bytes_per_hit", "heap allocated per lookup, all rows cached", hit.bytes(), "bytes")
                .figure("cpu_us_per_miss", "CPU per lookup, cache disabled (RocksDB reads)", miss.cpuMicros(), "us")
                .figure("bytes_per_miss", "heap allocated per lookup, cache disabled", miss.bytes(), "bytes")
                .detail("response_bytes", hit.responseBytes());
          });
        }
      }
    }
    return reports;
  }

  /** Per-call cost on one thread, after as many unmeasured calls as measured ones (the JIT's warm-up). */
  private record Cost(double cpuMicros, double bytes, int responseBytes) {}

  private Cost cost(ProjectConfig config, OnlineStore store, int rows, long cacheEntries, int n) throws Exception {
    RowCache cache = new RowCache(cacheEntries, Duration.ofHours(1));
    RegistryWatcher registry = RegistryWatcher.start(config.registryPath(), cache);
    OnlineLookup lookup = new OnlineLookup(registry::current, cache, Clock.systemUTC(), 1_000_000);
    lookup.storeOpened(store);
    registry.dataChanged(lookup.dataVersions());
    List<GetOnlineFeaturesRequest> requests = requests(rows, 4096);
    if (cacheEntries > 0) {
      // Fill the cache with every row the requests ask for, so that the measured calls are all hits.
      for (GetOnlineFeaturesRequest q : requests) {
        lookup.lookupEncoded(q, Grant.ALL, () -> false);
      }
    }
    int responseBytes = lookup.lookupEncoded(requests.get(0), Grant.ALL, () -> false).bytes().length;
    run(lookup, requests, n);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long bytes0 = threads.getCurrentThreadAllocatedBytes();
    long sink = run(lookup, requests, n);
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
    if (sink == 42) {
      System.out.print(""); // keeps the responses observable to the JIT
    }
    return new Cost(cpu / 1e3 / n, (double) bytes / n, responseBytes);
  }

  private static long run(OnlineLookup lookup, List<GetOnlineFeaturesRequest> requests, int n) {
    long sink = 0;
    for (int i = 0; i < n; i++) {
      EncodedResponse r = lookup.lookupEncoded(requests.get(i & (requests.size() - 1)), Grant.ALL, () -> false);
      sink += r.bytes().length;
    }
    return sink;
  }

  /** {@code count} requests (a power of two) of {@code rows} uniform random keys each, all for the same features. */
  private List<GetOnlineFeaturesRequest> requests(int rows, int count) {
    FeatureList.Builder list = FeatureList.newBuilder();
    int perView = features / views;
    for (int v = 1; v <= views; v++) {
      for (int f = 1; f <= perView; f++) {
        list.addRefs(WideSource.view(v) + ":" + WideSource.feature(f));
      }
    }
    FeatureList featureList = list.build();
    SplittableRandom random = new SplittableRandom(seed);
    List<GetOnlineFeaturesRequest> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      RepeatedValue.Builder keys = RepeatedValue.newBuilder();
      for (int k = 0; k < rows; k++) {
        keys.addValues(Value.newBuilder().setInt64Val(random.nextLong(entities)));
      }
      out.add(GetOnlineFeaturesRequest.newBuilder().setFeatures(featureList).putEntities(WideSource.JOIN_KEY, keys.build())
          .setFullFeatureNames(true).build());
    }
    return out;
  }
}
