package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.it.Dist;
import dev.larder.it.ServerHandle;
import dev.larder.offline.ViewHistory;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.time.Timestamps;
import dev.larder.value.RowReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server during a push load, and of {@code larder push-log} while it logs, with real processes
 * from the distribution: after every restart each acknowledged row is served, and at the end every acknowledged
 * row is in the offline history exactly once. Every pushed row is its own entity (user id = row number), so a
 * lookup proves each row individually. {@code -Dlarder.trials} kills (3 in CI; reliability/run-trials runs 20),
 * seeded by {@code -Dlarder.seed}.
 */
class PushCrashIT {
  static final int TRIALS = Integer.getInteger("larder.trials", 3);
  static final long SEED = Long.getLong("larder.seed", 42);
  static final int BATCH = 200;
  static final int PUSHERS = 2;

  @TempDir
  Path tmp;

  @Test
  void killedServerLosesNoAcknowledgedPushAndTheOfflineLogHoldsEachOnce() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("larder.properties"), ProjectConfig.defaultFileContent("crash"));
    Files.writeString(repo.resolve("push.textproto"), """
        entities { name: "user" join_keys { name: "user_id" type: INT64 } }
        sources {
          name: "clicks"
          push {}
          timestamp_field: "ts"
          schema { name: "user_id" type: INT64 }
          schema { name: "ts" type: TIMESTAMP }
          schema { name: "clicks" type: INT64 }
        }
        feature_views {
          name: "user_clicks" entities: "user" source: "clicks"
          features { name: "clicks" type: INT64 }
        }
        """);
    Dist.larder("apply", "--repo", repo.toString()).assertOk();

    Random random = new Random(SEED);
    Map<Long, Long> acked = new ConcurrentHashMap<>(); // user id -> clicks (= event micros offset)
    AtomicLong nextUser = new AtomicLong(1);
    long base = Timestamps.toMicros(java.time.Instant.now()) - 3_600_000_000L;
    int killedWhilePushing = 0;
    int killedLogs = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      try (ServerHandle server = ServerHandle.start(repo)) {
        assertServed(server, acked);
        List<Thread> pushers = new ArrayList<>();
        AtomicLong inFlight = new AtomicLong();
        for (int p = 0; p < PUSHERS; p++) {
          Thread t = new Thread(() -> pushUntilRefused(server, nextUser, base, acked, inFlight));
          t.start();
          pushers.add(t);
        }
        // A push-log racing the load, killed at a random moment in half of the trials.
        Process log = Dist.start(Files.createTempFile(tmp, "push-log", ".log"), "push-log", "--repo", repo.toString());
        Thread.sleep(300 + random.nextInt(1200));
        if (random.nextBoolean() && log.isAlive()) {
          log.destroyForcibly().waitFor();
          killedLogs++;
        } else {
          log.waitFor(60, TimeUnit.SECONDS);
        }
        long ackedBefore = acked.size();
        server.process.destroyForcibly().waitFor(); // kill -9 under load
        for (Thread t : pushers) {
          t.join(30_000);
        }
        if (inFlight.get() > 0 || acked.size() > ackedBefore) {
          killedWhilePushing++;
        }
      }
    }
    assertThat(acked).as("rows acknowledged over all trials").hasSizeGreaterThan(TRIALS * BATCH);
    try (ServerHandle server = ServerHandle.start(repo)) {
      assertServed(server, acked);
      Dist.larder("push-log", "--repo", repo.toString()).assertOk();
      Dist.larder("push-log", "--repo", repo.toString()).assertOk();
    }
    Map<Long, Integer> logged = loggedRows(repo);
    List<Long> twice = logged.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertThat(twice).as("users logged more than once").isEmpty();
    assertThat(acked.keySet()).as("acknowledged rows missing offline").allMatch(logged::containsKey);
    Reliability.record("push: kill -9 of the server under push load, and of push-log", TRIALS, killedWhilePushing,
        acked.size() + " acknowledged rows all served after each restart and logged offline exactly once ("
            + logged.size() + " rows logged; " + killedLogs + " push-log runs killed)");
    assertThat(killedWhilePushing).as("trials whose kill landed while pushes were in flight").isPositive();
  }

  /** Pushes batches of new users until the server stops answering; records each acknowledged row. */
  static void pushUntilRefused(ServerHandle server, AtomicLong nextUser, long base, Map<Long, Long> acked,
                               AtomicLong inFlight) {
    FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(server.channel);
    while (true) {
      long first = nextUser.getAndAdd(BATCH);
      RepeatedValue.Builder users = RepeatedValue.newBuilder();
      RepeatedValue.Builder ts = RepeatedValue.newBuilder();
      RepeatedValue.Builder clicks = RepeatedValue.newBuilder();
      for (long u = first; u < first + BATCH; u++) {
        users.addValues(Value.newBuilder().setInt64Val(u));
        ts.addValues(Value.newBuilder().setTimestampVal(Timestamps.toProto(base + u)));
        clicks.addValues(Value.newBuilder().setInt64Val(u * 7));
      }
      inFlight.incrementAndGet();
      try {
        stub.withDeadlineAfter(20, TimeUnit.SECONDS).pushFeatures(PushFeaturesRequest.newBuilder()
            .setFeatureView("user_clicks").putColumns("user_id", users.build()).putColumns("ts", ts.build())
            .putColumns("clicks", clicks.build()).build());
      } catch (RuntimeException e) {
        return; // killed: this batch may or may not be durable, it was not acknowledged
      }
      inFlight.decrementAndGet();
      for (long u = first; u < first + BATCH; u++) {
        acked.put(u, u * 7);
      }
    }
  }

  static void assertServed(ServerHandle server, Map<Long, Long> acked) {
    List<Long> users = new ArrayList<>(acked.keySet());
    FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(server.channel);
    for (int from = 0; from < users.size(); from += 5000) {
      List<Long> part = users.subList(from, Math.min(users.size(), from + 5000));
      RepeatedValue.Builder ids = RepeatedValue.newBuilder();
      part.forEach(u -> ids.addValues(Value.newBuilder().setInt64Val(u)));
      GetOnlineFeaturesResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).getOnlineFeatures(
          GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addRefs("user_clicks:clicks"))
              .putEntities("user_id", ids.build()).build());
      for (int i = 0; i < part.size(); i++) {
        assertThat(r.getResults(0).getStatuses(i)).as("status of acknowledged user %d", part.get(i))
            .isEqualTo(FieldStatus.PRESENT);
        assertThat(r.getResults(0).getValues(i).getInt64Val()).isEqualTo(acked.get(part.get(i)));
      }
    }
  }

  /** How often each user appears in the view's offline history. */
  static Map<Long, Integer> loggedRows(Path repo) throws Exception {
    ProjectConfig config = ProjectConfig.load(repo);
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    Map<Long, Integer> out = new HashMap<>();
    try (RowReader rows = ViewHistory.open(catalog, catalog.requireView("user_clicks"), config)) {
      Object[] row;
      while ((row = rows.next()) != null) {
        out.merge((Long) row[0], 1, Integer::sum);
      }
    }
    return out;
  }
}
