package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.it.Dist;
import dev.larder.it.ServerHandle;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of batch runs and of the server, and batch runs racing each other, all with real processes from the
 * distribution. The number of kills per test is {@code -Dlarder.trials} (3 in CI; docs/reliability.md has the
 * figures of the long runs). Kill points are random but seeded ({@code -Dlarder.seed}) so a failure can be replayed.
 */
class ProcessFaultIT {
  static final int TRIALS = Integer.getInteger("larder.trials", 3);
  static final long SEED = Long.getLong("larder.seed", 42);
  static final int DAYS = 6;

  @TempDir
  static Path tmp;
  /** Sources and registry only. */
  static Path sources;
  /** Sources, snapshots of DAYS days, online store materialized up to yesterday. */
  static Path computed;
  static Map<String, List<String>> referenceSnapshots;
  /** How long a clean compute of the fixture took, process start to exit: kills are timed against it. */
  static long computeMillis;

  @BeforeAll
  static void build() throws Exception {
    sources = Fixture.sources(tmp.resolve("sources"), 400, 30_000);
    computed = tmp.resolve("computed");
    Fixture.copyTree(sources, computed);
    long started = System.nanoTime();
    Fixture.compute(computed, DAYS).assertOk();
    computeMillis = (System.nanoTime() - started) / 1_000_000;
    Fixture.materialize(computed, Fixture.END.minusDays(1)).assertOk();
    referenceSnapshots = Fixture.snapshotRows(computed.resolve("data/offline"));
    assertThat(referenceSnapshots).hasSizeGreaterThan(DAYS);
  }

  @Test
  void killedMaterializationNeverDisturbsServingAndARerunServesTheNewData() throws Exception {
    Path repo = tmp.resolve("kill-materialize");
    Fixture.copyTree(computed, repo);
    // Kills are timed against a clean run of the same command, as for compute: a fixed delay was longer
    // than the whole run on a fast host, and a finished run rightly publishes new data.
    Path timing = tmp.resolve("kill-materialize-timing");
    Fixture.copyTree(computed, timing);
    long started = System.nanoTime();
    Process clean = Dist.startWithJvmOptions(Files.createTempFile(tmp, "materialize", ".log"), "-Xmx512m -Xint",
        Fixture.materializeArgs(timing, Fixture.END));
    assertThat(clean.waitFor()).as("a clean materialization").isZero();
    long materializeMillis = (System.nanoTime() - started) / 1_000_000;
    Random random = new Random(SEED);
    int killedMidRun = 0;
    GetOnlineFeaturesResponse before;
    try (ServerHandle server = ServerHandle.start(repo)) {
      before = Fixture.lookup(server);
      try (Traffic traffic = new Traffic(server, before::equals, 200)) {
        for (int trial = 0; trial < TRIALS; trial++) {
          // Interpreted, so the small run is still going when the kill lands (a finished run would
          // rightly publish new data and this trial would test nothing).
          Process p = Dist.startWithJvmOptions(Files.createTempFile(tmp, "materialize", ".log"), "-Xmx512m -Xint",
              Fixture.materializeArgs(repo, Fixture.END));
          // Somewhere in the first 10-60% of the clean run's time (the server and traffic only slow trials down).
          Thread.sleep((long) (materializeMillis * (0.1 + 0.5 * random.nextDouble())));
          assertThat(p.isAlive()).as("materialize still running when killed (trial %d)", trial).isTrue();
          killedMidRun++;
          p.destroyForcibly().waitFor();
          Thread.sleep(300);
          assertThat(Fixture.lookup(server)).as("served data after kill -9 #%d", trial).isEqualTo(before);
        }
        Thread.sleep(1500); // a server that wrongly picked up a half-written run would show it by now
        traffic.close();
        assertThat(traffic.errors.get()).as(traffic.summary()).isZero();
        assertThat(traffic.wrongAnswers.get()).as(traffic.summary()).isZero();
        assertThat(traffic.requests.get()).isGreaterThan(TRIALS * 10L);
        Reliability.record("kill -9 materialize under traffic", TRIALS, killedMidRun, traffic.summary());
      }
      assertThat(killedMidRun).as("kills that hit a running materialization").isPositive();
      Dist.larder("online", "stats", "--repo", repo.toString()).assertOk();
    }
    try (ServerHandle restarted = ServerHandle.start(repo)) {
      assertThat(Fixture.lookup(restarted)).as("a restarted server serves the same data").isEqualTo(before);
      Fixture.materialize(repo, Fixture.END).assertOk();
      GetOnlineFeaturesResponse after = Fixture.awaitServed(restarted, before, 10_000);
      assertThat(after).as("the rerun's new data is served").isNotEqualTo(before);
    }
  }

  @Test
  void killedComputeLeavesOnlyCompleteSnapshotsAndARerunIsIdentical() throws Exception {
    Path repo = tmp.resolve("kill-compute");
    Fixture.copyTree(sources, repo);
    Path offline = repo.resolve("data/offline");
    Random random = new Random(SEED + 1);
    int killedMidRun = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      Process p = Dist.start(Files.createTempFile(tmp, "compute", ".log"), Fixture.computeArgs(repo, DAYS));
      // Somewhere in the first 10-60% of a clean run, so that the kill lands mid-run however fast the machine is.
      Thread.sleep((long) (computeMillis * (0.1 + 0.5 * random.nextDouble())));
      if (p.isAlive()) {
        killedMidRun++;
      }
      p.destroyForcibly().waitFor();
      if (Files.exists(offline)) {
        assertThat(Fixture.strayFiles(offline)).as("partial files visible after kill #%d", trial).isEmpty();
        Map<String, List<String>> rows = Fixture.snapshotRows(offline); // DuckDB must read every file
        for (Map.Entry<String, List<String>> e : rows.entrySet()) {
          assertThat(e.getValue()).as("a visible snapshot is complete: %s", e.getKey())
              .containsExactlyElementsOf(referenceSnapshots.get(e.getKey()));
        }
      }
    }
    assertThat(killedMidRun).as("kills that hit a running compute").isPositive();
    Fixture.compute(repo, DAYS).assertOk();
    Fixture.assertSameRows(Fixture.snapshotRows(offline), referenceSnapshots);
    Reliability.record("kill -9 compute", TRIALS, killedMidRun, "rerun identical to a clean run");
  }

  /** Kills aimed at compute's publish phase: {@code -Dlarder.publish.kills} (5 in CI, 20+ in the campaign). */
  static final int PUBLISH_KILLS = Integer.getInteger("larder.publish.kills", 5);

  /**
   * kill -9 aimed at the publish phase of a compute run that replaces every snapshot of a committed run: after
   * each kill, Larder's readers must see exactly one whole run, the old one or the new one, never a mix.
   */
  @Test
  void killsAimedAtComputesPublishPhaseNeverShowAPartialRun() throws Exception {
    // 6 days at a 3 h step: 49 snapshots per run, so that publishing takes long enough to be hit.
    String[] args = {"compute", "--repo", "", "--start", Fixture.END.minusDays(DAYS).toString(),
        "--end", Fixture.END.toString(), "--step", "3h"};
    Path repo = tmp.resolve("kill-publish");
    Fixture.copyTree(sources, repo);
    args[2] = repo.toString();
    Dist.larder(args).assertOk();
    Path offline = repo.resolve("data/offline");
    Map<String, List<String>> reference = Fixture.snapshotRows(offline);

    // The publish window of a clean run: from its "publishing run" line to its exit.
    Path timing = tmp.resolve("kill-publish-timing");
    Fixture.copyTree(repo, timing);
    String[] timingArgs = args.clone();
    timingArgs[2] = timing.toString();
    Path timingLog = Files.createTempFile(tmp, "publish-timing", ".log");
    Process clean = Dist.start(timingLog, timingArgs);
    long windowNanos = awaitLine(clean, timingLog, "publishing run");
    long publishStart = System.nanoTime();
    assertThat(clean.waitFor()).isZero();
    long window = System.nanoTime() - publishStart;
    assertThat(windowNanos).isPositive();

    Random random = new Random(SEED + 7);
    int beforeCommit = 0;
    int oldVisible = 0;
    int newVisible = 0;
    int partial = 0;
    for (int trial = 0; trial < PUBLISH_KILLS; trial++) {
      java.util.Set<String> before = Fixture.createdTimes(offline);
      assertThat(before).hasSize(1);
      Path log = Files.createTempFile(tmp, "publish", ".log");
      Process p = Dist.start(log, args);
      if (awaitLine(p, log, "publishing run") < 0) {
        throw new AssertionError("compute ended before publishing: " + Files.readString(log));
      }
      java.util.concurrent.locks.LockSupport.parkNanos((long) (window * random.nextDouble()));
      p.destroyForcibly().waitFor();
      if (!Files.readString(log).contains("published run")) {
        beforeCommit++;
      }
      java.util.Set<String> visible = Fixture.createdTimes(offline);
      if (visible.size() != 1) {
        partial++;
      } else if (visible.equals(before)) {
        oldVisible++;
      } else {
        newVisible++;
      }
      assertThat(visible).as("runs visible after publish kill #%d", trial).hasSize(1);
      Fixture.assertSameRows(Fixture.snapshotRows(offline), reference);
    }
    Dist.larder(args).assertOk();
    Fixture.assertSameRows(Fixture.snapshotRows(offline), reference);
    assertThat(Fixture.createdTimes(offline)).hasSize(1);
    Reliability.record("kill -9 compute aimed at publish", PUBLISH_KILLS, beforeCommit,
        "partial runs visible " + partial + "; old run visible " + oldVisible + ", new run visible " + newVisible
            + "; publish window " + window / 1_000_000 + " ms; rerun identical");
    assertThat(partial).isZero();
  }

  /** Waits until {@code log} contains {@code line}; returns nanos waited, or -1 when the process ended first. */
  static long awaitLine(Process p, Path log, String line) throws Exception {
    long start = System.nanoTime();
    while (true) {
      if (Files.readString(log).contains(line)) {
        return System.nanoTime() - start;
      }
      if (!p.isAlive()) {
        return Files.readString(log).contains(line) ? System.nanoTime() - start : -1;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
  }

  @Test
  void killedTrainingSetLeavesNoPartialOutputAndTheNextRunRemovesItsWorkFolder() throws Exception {
    Path repo = tmp.resolve("kill-training");
    Fixture.copyTree(computed, repo);
    Path labels = repo.resolve("labels.parquet");
    Dist.larder("sample", "labels", "--out", labels.toString(), "--users", "400", "--rows", "20000",
        "--days", Integer.toString(DAYS), "--seed", "3", "--end", Fixture.END.toString()).assertOk();
    Path outDir = Files.createDirectories(repo.resolve("training"));
    Path out = outDir.resolve("train.parquet");
    String[] args = {"training-set", "--repo", repo.toString(), "--entities", labels.toString(),
        "--features", String.join(",", Fixture.ACTIVITY), "--out", out.toString()};
    // Interpreted, so that the kill lands while the run is reading, joining or writing; timed against a clean
    // run of the same command (written elsewhere), so that it does on a fast host too.
    String[] timingArgs = args.clone();
    timingArgs[timingArgs.length - 1] = repo.resolve("timing.parquet").toString();
    long started = System.nanoTime();
    Process clean = Dist.startWithJvmOptions(Files.createTempFile(tmp, "training", ".log"), "-Xmx512m -Xint",
        timingArgs);
    assertThat(clean.waitFor()).as("a clean training-set run").isZero();
    long trainingMillis = (System.nanoTime() - started) / 1_000_000;
    Random random = new Random(SEED + 3);
    int killedMidRun = 0;
    int leftBehind = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      Files.deleteIfExists(out);
      Process p = Dist.startWithJvmOptions(Files.createTempFile(tmp, "training", ".log"), "-Xmx512m -Xint", args);
      Thread.sleep((long) (trainingMillis * (0.1 + 0.6 * random.nextDouble())));
      if (p.isAlive()) {
        killedMidRun++;
      }
      p.destroyForcibly().waitFor();
      if (Files.exists(out)) {
        assertThat(rowCount(out)).as("an output visible after kill #%d is complete", trial).isEqualTo(20_000);
      }
      leftBehind += workFolders(outDir);
    }
    assertThat(killedMidRun).as("kills that hit a running training-set").isPositive();
    Dist.larder(args).assertOk();
    assertThat(rowCount(out)).isEqualTo(20_000);
    assertThat(workFolders(outDir)).as("work folders left after a completed run").isZero();
    Reliability.record("kill -9 training-set", TRIALS, killedMidRun, "no partial output; work folders seen after "
        + "kills: " + leftBehind + ", none after the next run");
  }

  private static long rowCount(Path parquet) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
         java.sql.Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + parquet + "')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int workFolders(Path dir) throws java.io.IOException {
    try (var entries = Files.list(dir)) {
      return (int) entries.filter(p -> p.getFileName().toString().startsWith(".larder-training-")).count();
    }
  }

  @Test
  void killedServerUnderLoadComesBackWithTheSameData() throws Exception {
    Path repo = tmp.resolve("kill-server");
    Fixture.copyTree(computed, repo);
    int port = ServerHandle.freePort();
    ServerHandle server = ServerHandle.start(repo, port);
    GetOnlineFeaturesResponse before = Fixture.lookup(server);
    Random random = new Random(SEED + 2);
    int trials = Math.max(1, TRIALS / 2);
    // A set rate: while the server is down, an unpaced loop of instant failures would starve its restart.
    try (Traffic traffic = new Traffic(server, before::equals, 200)) {
      for (int trial = 0; trial < trials; trial++) {
        Thread.sleep(500 + random.nextInt(1500));
        server.kill();
        server.close();
        server = ServerHandle.start(repo, port);
        traffic.server(server);
        assertThat(Fixture.lookup(server)).as("after restart #%d", trial).isEqualTo(before);
      }
      Thread.sleep(500);
      traffic.close();
      // Requests while the server is down fail; no answer may ever be wrong.
      assertThat(traffic.wrongAnswers.get()).as(traffic.summary()).isZero();
      Reliability.record("kill -9 server under load + restart", trials, trials, traffic.summary()
          + " (failures only while down)");
    } finally {
      server.close();
    }
    try (ServerHandle fresh = ServerHandle.start(repo); Traffic steady = new Traffic(fresh, before::equals, 100)) {
      Thread.sleep(1000);
      steady.close();
      assertThat(steady.errors.get() + steady.wrongAnswers.get()).as(steady.summary()).isZero();
    }
  }

  @Test
  void concurrentApplyComputeAndMaterializeAreSerializedOrRefused() throws Exception {
    Path repo = tmp.resolve("concurrent");
    Fixture.copyTree(sources, repo);
    int refused = 0;
    int rounds = Math.max(2, TRIALS / 2);
    for (int round = 0; round < rounds; round++) {
      List<Process> running = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (String[] args : List.of(Fixture.computeArgs(repo, DAYS), Fixture.computeArgs(repo, DAYS),
          Fixture.materializeArgs(repo, Fixture.END), Fixture.materializeArgs(repo, Fixture.END),
          new String[] {"apply", "--repo", repo.toString()})) {
        Path log = Files.createTempFile(tmp, "concurrent", ".log");
        logs.add(log);
        running.add(Dist.start(log, args));
      }
      for (int i = 0; i < running.size(); i++) {
        int code = running.get(i).waitFor();
        String out = Files.readString(logs.get(i));
        if (code == 4 && (i == 2 || i == 3)) { // the two materialize runs
          // A materialize that ran before any compute committed: nothing to load, and nothing recorded.
          assertThat(out).as("an empty materialize says so").contains("nothing published or recorded");
        } else if (code != 0) {
          assertThat(code).as(out).isEqualTo(1);
          assertThat(out).as("a refused run says why").contains("another run holds the lock");
          refused++;
        }
      }
    }
    Fixture.compute(repo, DAYS).assertOk();
    Fixture.materialize(repo, Fixture.END).assertOk();
    Fixture.assertSameRows(Fixture.snapshotRows(repo.resolve("data/offline")), referenceSnapshots);

    Path serial = tmp.resolve("serial");
    Fixture.copyTree(computed, serial);
    Fixture.materialize(serial, Fixture.END).assertOk();
    try (ServerHandle a = ServerHandle.start(repo); ServerHandle b = ServerHandle.start(serial)) {
      assertThat(Fixture.lookup(a)).as("served after racing runs = served after a serial run")
          .isEqualTo(Fixture.lookup(b));
    }
    Reliability.record("concurrent apply/compute/materialize", rounds * 5, refused, "refused with the lock message; "
        + "end state equal to a serial run");
  }
}
