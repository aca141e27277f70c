package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.offline.OfflineStore;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compute run killed with SIGKILL in the middle leaves the offline store exactly as it was, and a rerun
 * produces the same snapshots as an uninterrupted run.
 */
class ComputeKillTest {
  @TempDir
  Path dir;

  @Test
  void killedRunLeavesTheStoreAsItWasAndRerunGivesTheSameOutput() throws Exception {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    TestRepo.writeParquet(dir.resolve("data/events/part-0.parquet"), TestRepo.EVENTS,
        TestRepo.events(11, 20_000, 1_000, 12));
    OfflineStore store = OfflineStore.of(config);
    long[] first = {START + DAY, START + 3 * DAY};
    compute(config, first);
    Map<Path, byte[]> before = snapshotBytes(store);
    assertThat(before).hasSize(2);

    // The killed run recomputes those two and adds 8 more; -Xint keeps it slow enough to be caught mid-run.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Xint", "-cp", System.getProperty("java.class.path"), "dev.larder.cli.Larder", "compute",
        "--repo", dir.toString(), "--view", "user_activity", "--start", "2026-01-02", "--end", "2026-01-21", "--step", "2d")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    Path tmp = store.viewDir("user_activity").resolve(OfflineStore.TMP);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (countFiles(tmp) < 10 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200); // let it read and write for a moment
    assertThat(p.isAlive()).as("the run must still be going; log: " + Files.readString(dir.resolve("child.log"))).isTrue();
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(p.exitValue()).isEqualTo(137);

    Map<Path, byte[]> after = snapshotBytes(store);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (Path f : before.keySet()) {
      assertThat(after.get(f)).as(f.toString()).isEqualTo(before.get(f));
    }

    long[] all = Compute.asOfRange(START + DAY, START + 20 * DAY, "2d");
    compute(config, all);
    assertThat(countFiles(tmp)).isZero();
    List<String> rerun = contents(store, all);

    // Reference: the same run in a fresh store, never interrupted.
    Path fresh = dir.resolve("fresh");
    Files.createDirectories(fresh);
    ProjectConfig other = new ProjectConfig(config.repoDir(), config.project(), config.registryPath(),
        fresh, config.onlineDir(), config.settings());
    compute(other, all);
    assertThat(rerun).isEqualTo(contents(OfflineStore.of(other), all));
  }

  static void compute(ProjectConfig config, long[] asOfs) throws IOException {
    new Compute(config, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of("user_activity"), asOfs, BadRowPolicy.FAIL));
  }

  /** Every snapshot's rows (without created_timestamp), sorted, as text. */
  static List<String> contents(OfflineStore store, long[] asOfs) throws IOException {
    List<String> out = new ArrayList<>();
    for (long t : asOfs) {
      List<String> rows = new ArrayList<>();
      for (Object[] r : TestRepo.read(store.snapshot("user_activity", 1, t).orElseThrow().file())) {
        r[2] = null;
        rows.add(Arrays.deepToString(r));
      }
      rows.sort(null);
      out.add(Timestamps.format(t) + " " + rows);
    }
    return out;
  }

  static Map<Path, byte[]> snapshotBytes(OfflineStore store) throws IOException {
    Map<Path, byte[]> out = new HashMap<>();
    for (OfflineStore.Snapshot s : store.snapshots("user_activity", 1)) {
      out.put(s.file(), Files.readAllBytes(s.file()));
    }
    return out;
  }

  static long countFiles(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }
}
