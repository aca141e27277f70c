package dev.larder.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.ViewServingInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A breaking {@code apply} must not blank a live server: with real processes (the CLI from the distribution
 * and larder-server on a real port) and a load generator running lookups throughout, a view's meaning
 * changes, its new version is computed and materialized, and the server switches from the old version to
 * the new one without a single NOT_FOUND or failed call, never going back.
 */
class VersionSwitchIT {
  static final LocalDate END = LocalDate.now(java.time.ZoneOffset.UTC);
  static final List<String> REFS = List.of("user_activity:total_activities", "user_activity:purchase_count");

  @TempDir
  Path tmp;

  @Test
  void aBreakingApplyKeepsServingThePreviousVersionUntilTheNewOneIsMaterialized() throws Exception {
    Path repo = tmp.resolve("repo");
    String r = repo.toString();
    Dist.larder("init", r).assertOk();
    // Five days of events: a 30d and a 7d window see the same users, so every user found before is found after.
    Dist.larder("sample", "events", "--out", r + "/data/events", "--users", "300", "--events", "20000",
        "--days", "5", "--seed", "4", "--end", END.toString()).assertOk();
    Dist.larder("sample", "profiles", "--out", r + "/data/profiles", "--users", "300", "--seed", "4",
        "--end", END.toString()).assertOk();
    Dist.larder("sample", "labels", "--out", r + "/labels.parquet", "--users", "300", "--rows", "500",
        "--days", "2", "--seed", "5", "--end", END.toString()).assertOk();
    Dist.larder("apply", "--repo", r).assertOk();
    String[] compute = {"compute", "--repo", r, "--view", "user_activity", "--start", END.minusDays(2).toString(),
        "--end", END.toString(), "--step", "1d"};
    String[] materialize = {"materialize", "--repo", r, "--view", "user_activity",
        "--start", END.minusDays(400).toString(), "--end", END.toString()};
    Dist.larder(compute).assertOk();
    Dist.larder(materialize).assertOk();

    ServerHandle server = ServerHandle.start(repo);
    try {
      List<Long> candidates = new ArrayList<>();
      for (long u = 0; u < 300; u++) {
        candidates.add(u);
      }
      GetOnlineFeaturesResponse first = server.lookup(REFS, candidates);
      List<Long> users = new ArrayList<>();
      for (int i = 0; i < candidates.size(); i++) {
        if (first.getResults(0).getStatuses(i) != FieldStatus.NOT_FOUND) {
          users.add(candidates.get(i));
        }
      }
      assertThat(users).as("users served before the change").hasSizeGreaterThan(100);
      GetOnlineFeaturesResponse v1Answer = server.lookup(REFS, users);
      assertThat(v1Answer.getServedVersionsList()).containsOnly(1L);

      Load load = new Load(server, users);
      load.start(2);
      try {
        Files.writeString(repo.resolve("user_activity.textproto"), Files.readString(repo.resolve("user_activity.textproto"))
            .replace("aggregation { function: COUNT window: \"30d\" }", "aggregation { function: COUNT window: \"7d\" }"));
        Dist.Result plan = Dist.run(180, Dist.command("larder", "plan", "--detailed-exitcode", "--repo", r));
        assertThat(plan.exitCode()).as(plan.stderr()).isEqualTo(5);
        assertThat(Dist.larder("apply", "--repo", r).assertOk().stdout())
            .contains("! BREAKING feature_view user_activity: version 1 -> 2", "Needs recomputing", "user_activity v2");
        awaitInfo(server, i -> i.getViewVersion() == 2, "the server loads registry version with user_activity v2");
        assertThat(info(server).getServedVersion()).as("served version before v2 has data").isEqualTo(1);
        assertThat(load.notFound.get()).as("NOT_FOUND right after the breaking apply").isZero();

        // A training set of the new version has no history yet: it says how to compute it.
        String[] training = {"training-set", "--repo", r, "--entities", r + "/labels.parquet",
            "--features", "user_activity:total_activities", "--out", r + "/training.parquet"};
        Dist.Result early = Dist.run(180, Dist.command("larder", training));
        assertThat(early.exitCode()).isEqualTo(2);
        assertThat(early.stderr()).contains("feature view 'user_activity' version 2 has no history in the offline"
            + " store; compute it first: larder compute", "or pin version 1");

        Dist.larder(compute).assertOk();
        Dist.larder(training).assertOk();
        assertThat(repo.resolve("data/offline/user_activity/version=1")).isDirectory();
        assertThat(repo.resolve("data/offline/user_activity/version=2")).isDirectory();
        Dist.larder(materialize).assertOk();
        awaitInfo(server, i -> i.getServedVersion() == 2, "the server switches to version 2 once it has data");
        long switchedAt = load.requests.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (load.requests.get() < switchedAt + 50 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        load.stop();
      }

      assertThat(load.errors.get()).as("failed calls (first: %s)", load.firstError.get()).isZero();
      assertThat(load.notFound.get()).as("NOT_FOUND values for users that were served before").isZero();
      assertThat(load.wentBack.get()).as("a response from version 1 after one from version 2").isZero();
      assertThat(load.versionsSeen).contains(1L, 2L);
      assertThat(load.requests.get()).isGreaterThan(100);

      ViewServingInfo after = info(server);
      assertThat(after.getVersionsWithDataList()).containsExactly(1L, 2L);
      GetOnlineFeaturesResponse v2Answer = server.lookup(REFS, users);
      assertThat(v2Answer.getServedVersionsList()).containsOnly(2L);
      // The old version stays servable to clients that pin it, with exactly its old values.
      GetOnlineFeaturesResponse pinned = server.lookup(List.of("user_activity@1:total_activities",
          "user_activity@1:purchase_count"), users);
      assertThat(pinned.getServedVersionsList()).containsOnly(1L);
      assertThat(pinned.getResultsList()).isEqualTo(v1Answer.getResultsList());
      System.out.printf("version switch under load: %d lookups of %d users, %d failed, %d NOT_FOUND values,"
          + " versions served in order %s%n", load.requests.get(), users.size(), load.errors.get(),
          load.notFound.get(), load.versionsSeen);
    } finally {
      server.close();
    }
  }

  private static ViewServingInfo info(ServerHandle server) {
    return server.stub().getServingInfo(GetServingInfoRequest.getDefaultInstance()).getViewsList().stream()
        .filter(v -> v.getName().equals("user_activity")).findFirst().orElseThrow();
  }

  private static void awaitInfo(ServerHandle server, java.util.function.Predicate<ViewServingInfo> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (done.test(info(server))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting: " + what + "; last serving info: " + info(server));
  }

  /** Lookup threads that count calls, failures, NOT_FOUND values and served versions going backwards. */
  static final class Load {
    final ServerHandle server;
    final List<Long> users;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger notFound = new AtomicInteger();
    final AtomicInteger wentBack = new AtomicInteger();
    final AtomicReference<Throwable> firstError = new AtomicReference<>();
    final List<Long> versionsSeen = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Load(ServerHandle server, List<Long> users) {
      this.server = server;
      this.users = users;
    }

    void start(int n) {
      for (int t = 0; t < n; t++) {
        Thread thread = new Thread(this::run, "load-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    private void run() {
      long last = 0;
      // A flag, not an interrupt: interrupting a blocking stub cancels its call, which is not a server error.
      while (!stop.get()) {
        GetOnlineFeaturesResponse r;
        try {
          r = server.lookup(REFS, users);
        } catch (RuntimeException e) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, e);
          continue;
        }
        requests.incrementAndGet();
        for (var vector : r.getResultsList()) {
          for (FieldStatus s : vector.getStatusesList()) {
            if (s == FieldStatus.NOT_FOUND) {
              notFound.incrementAndGet();
            }
          }
        }
        long version = r.getServedVersions(0);
        if (version < last) {
          wentBack.incrementAndGet();
        }
        if (version != last && !versionsSeen.contains(version)) {
          versionsSeen.add(version);
        }
        last = version;
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
