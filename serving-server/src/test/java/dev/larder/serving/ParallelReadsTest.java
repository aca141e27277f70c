package dev.larder.serving;

import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.serving.lookup.Grant;
import dev.larder.serving.lookup.OnlineLookup;
import dev.larder.serving.lookup.RegistryWatcher;
import dev.larder.serving.lookup.RowCache;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Views whose cache misses are read on the reader pool, beside the calling thread, give exactly the answer
 * of reading them one after another, and the pool is really used.
 */
class ParallelReadsTest {
  @TempDir
  Path dir;

  @Test
  void parallelViewReadsAnswerLikeSequentialOnes() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    List<Object[]> activity = new ArrayList<>();
    List<Object[]> profile = new ArrayList<>();
    List<Object[]> merchant = new ArrayList<>();
    for (long u = 0; u < 500; u++) {
      if (u % 3 != 0) {
        activity.add(new Object[] {u, minutesAgo(u % 200), u, u / 3.0, u % 7 == 0 ? null : "c" + u});
      }
      if (u % 4 != 1) {
        profile.add(new Object[] {u, minutesAgo(600), "C" + u, u % 2 == 0});
      }
      merchant.add(new Object[] {u, "m" + (u % 5), minutesAgo(5), u * 2});
    }
    f.materialize("user_activity", activity);
    f.materialize("user_profile", profile);
    f.materialize("user_merchant", merchant);
    Clock clock = Clock.fixed(ServingFixture.NOW.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
    AtomicInteger pooled = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (OnlineStore store = OnlineStore.openForReading(f.onlineDir, OnlineOptions.defaults())) {
      RegistryWatcher registry = RegistryWatcher.start(f.registryPath, new RowCache(0, Duration.ofMinutes(1)));
      OnlineLookup sequential = new OnlineLookup(registry::current, new RowCache(0, Duration.ofMinutes(1)), clock, 10_000);
      OnlineLookup parallel = new OnlineLookup(registry::current, new RowCache(100_000, Duration.ofMinutes(1)), clock,
          10_000, task -> {
            pooled.incrementAndGet();
            pool.execute(task);
          }, 1);
      sequential.storeOpened(store);
      parallel.storeOpened(store);
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < 50; i++) {
        int rows = random.nextInt(1, 120);
        long[] users = new long[rows];
        String[] merchants = new String[rows];
        for (int r = 0; r < rows; r++) {
          users[r] = random.nextLong(600); // some users have no row in any view
          merchants[r] = "m" + random.nextInt(6);
        }
        GetOnlineFeaturesRequest request = GetOnlineFeaturesRequest.newBuilder()
            .setFeatures(dev.larder.serving.v1.FeatureList.newBuilder()
                .addRefs("user_activity").addRefs("user_profile:country").addRefs("user_merchant:txn_count")
                .addRefs("user_profile:vip"))
            .putEntities("user_id", Requests.users(users)).putEntities("merchant_id", Requests.strings(merchants))
            .setFullFeatureNames(i % 2 == 0)
            .build();
        GetOnlineFeaturesResponse expected = sequential.lookup(request, () -> false);
        assertThat(parallel.lookup(request, Grant.ALL, () -> false)).as("request %d", i).isEqualTo(expected);
        assertThat(expected.getResults(0).getValuesCount()).isEqualTo(rows);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(pooled.get()).as("reads handed to the pool").isPositive();
  }
}
