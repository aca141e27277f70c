package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.cli.Larder;
import dev.larder.lock.RepoLock;
import dev.larder.offline.OfflineStore;
import dev.larder.registry.ProjectConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The compute run as a user sees it: the CLI, bad rows, locks, and memory limits. */
class ComputeRunTest {
  static final String CSV_REGISTRY = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: STRING } }
      sources {
        name: "events" path: "data/events.csv" timestamp_field: "event_timestamp"
        schema { name: "user_id" type: STRING } schema { name: "event_timestamp" type: TIMESTAMP }
        schema { name: "event_type" type: STRING } schema { name: "amount" type: DOUBLE }
      }
      feature_views {
        name: "user_activity" entities: "user" source: "events"
        features { name: "purchases_1d" type: INT64
                   aggregation { function: COUNT filter: "event_type = 'purchase'" window: "1d" } }
        features { name: "spend_1d" type: DOUBLE aggregation { function: SUM column: "amount" window: "1d" } }
      }
      """;
  static final String CSV = """
      user_id,event_timestamp,event_type,amount
      u1,2026-01-01T10:00:00Z,purchase,10.5
      ,2026-01-01T11:00:00Z,view,1.0
      u2,,view,2.0
      u3,2026-01-01T13:00:00Z,purchase,3.0
      u4,,view,
      """;
  /** A value that does not parse: the reader stops there, so both policies fail naming line and column. */
  static final String CSV_BAD_CELL = """
      user_id,event_timestamp,event_type,amount
      u1,2026-01-01T10:00:00Z,purchase,10.5
      u2,yesterday,view,2.0
      u3,2026-01-01T11:00:00Z,view,cheap
      u4,2026-01-01T12:00:00Z,view
      u5,2026-01-01T13:00:00Z,purchase,3.0
      """;

  @TempDir
  Path dir;

  ProjectConfig csvRepo() throws IOException {
    ProjectConfig config = TestRepo.create(dir, CSV_REGISTRY);
    TestRepo.writeText(dir.resolve("data/events.csv"), CSV);
    return config;
  }

  static Compute.Summary run(ProjectConfig config, BadRowPolicy policy, long... asOfs) throws IOException {
    return new Compute(config, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of(), asOfs, policy));
  }

  @Test
  void badRowFailsNamingFileLineAndColumnAndWritesNothing() throws IOException {
    ProjectConfig config = csvRepo();
    assertThatThrownBy(() -> run(config, BadRowPolicy.FAIL, START + DAY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("events.csv line 3, column 'user_id': join key is null")
        .hasMessageContaining("--on-bad-row skip");
    OfflineStore store = OfflineStore.of(config);
    assertThat(store.snapshots("user_activity", 1)).isEmpty();
    assertThat(tempFiles(store)).isEmpty();
  }

  /** Passthrough checks run beside the aggregation views; a failed one still fails the run before any commit. */
  @Test
  void aFailedPassthroughCheckFailsTheRunAndCommitsNothing() throws IOException {
    ProjectConfig config = TestRepo.create(dir, CSV_REGISTRY + """
        sources {
          name: "profiles" path: "data/profiles.csv" timestamp_field: "event_timestamp"
          schema { name: "user_id" type: STRING } schema { name: "event_timestamp" type: TIMESTAMP }
          schema { name: "tier" type: STRING }
        }
        feature_views { name: "user_tier" entities: "user" source: "profiles" features { name: "tier" type: STRING } }
        """);
    TestRepo.writeText(dir.resolve("data/events.csv"), "user_id,event_timestamp,event_type,amount\n"
        + "u1,2026-01-01T10:00:00Z,purchase,10.5\n");
    TestRepo.writeText(dir.resolve("data/profiles.csv"), "user_id,event_timestamp,tier\n"
        + "u1,2026-01-01T00:00:00Z,gold\n,2026-01-01T00:00:00Z,silver\n");
    assertThatThrownBy(() -> run(config, BadRowPolicy.FAIL, START + DAY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("profiles.csv line 3, column 'user_id': join key is null");
    OfflineStore store = OfflineStore.of(config);
    assertThat(store.snapshots("user_activity", 1)).isEmpty();
    assertThat(tempFiles(store)).isEmpty();
    Compute.Summary s = run(config, BadRowPolicy.SKIP, START + DAY);
    assertThat(s.views()).extracting(Compute.ViewSummary::view).containsExactly("user_activity", "user_tier");
    assertThat(s.views().get(1).skipped()).containsOnly(java.util.Map.entry(BadRows.NULL_KEY, 1L));
    assertThat(s.views().get(1).events()).isEqualTo(1);
  }

  @Test
  void badRowsAreSkippedCountedAndRecorded() throws IOException {
    ProjectConfig config = csvRepo();
    Compute.Summary s = run(config, BadRowPolicy.SKIP, START + DAY);
    assertThat(s.views().get(0).skipped()).containsOnly(
        java.util.Map.entry(BadRows.NULL_KEY, 1L), java.util.Map.entry(BadRows.NULL_TIMESTAMP, 2L));
    assertThat(s.events()).isEqualTo(2);
    List<Object[]> rows = TestRepo.read(OfflineStore.of(config).snapshot("user_activity", 1, START + DAY).orElseThrow().file());
    assertThat(rows).extracting(r -> List.of(r[0], r[1], r[3], r[4])).containsExactlyInAnyOrder(
        List.of("u1", START + DAY, 1L, 10.5), List.of("u3", START + DAY, 1L, 3.0));
    Path runs = OfflineStore.of(config).viewDir("user_activity").resolve("_runs");
    try (Stream<Path> files = Files.list(runs)) {
      String json = Files.readString(files.findFirst().orElseThrow());
      assertThat(json).contains("\"null join key\": 1").contains("\"null event timestamp\": 2")
          .contains("\"rows_written\": 2")
          .contains("\"as_of\": [\"2026-01-02T00:00:00Z\"]");
    }
  }

  @Test
  void unparsableTimestampFailsNamingLineAndColumn() throws IOException {
    ProjectConfig config = TestRepo.create(dir, CSV_REGISTRY);
    TestRepo.writeText(dir.resolve("data/events.csv"), CSV_BAD_CELL);
    assertThatThrownBy(() -> run(config, BadRowPolicy.FAIL, START + DAY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("events.csv line 3, column 'event_timestamp': 'yesterday' is not a timestamp");
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).isEmpty();
  }

  @Test
  void unparsableCellsAndShortRowsAreSkippedAndCountedByReason() throws IOException {
    ProjectConfig config = TestRepo.create(dir, CSV_REGISTRY);
    TestRepo.writeText(dir.resolve("data/events.csv"), CSV_BAD_CELL);
    Compute.Summary s = run(config, BadRowPolicy.SKIP, START + DAY);
    assertThat(s.views().get(0).skipped()).containsOnly(
        java.util.Map.entry(BadRows.BAD_TIMESTAMP, 1L), java.util.Map.entry(BadRows.BAD_VALUE, 2L));
    assertThat(s.events()).isEqualTo(2);
    List<Object[]> rows = TestRepo.read(OfflineStore.of(config).snapshot("user_activity", 1, START + DAY).orElseThrow().file());
    assertThat(rows).extracting(r -> r[0]).containsExactlyInAnyOrder("u1", "u5");
  }

  @Test
  void aFullDiskIsNamedWithTheFolderAndOtherErrorsPassThrough() {
    Path folder = dir.resolve("offline/user_activity");
    IOException full = Compute.diskFull(new IOException("No space left on device"), folder, true);
    assertThat(full.getMessage()).contains(folder.toString()).contains("No space left on device")
        .contains("the offline store is as it was");
    IOException other = new IOException("permission denied");
    assertThat(Compute.diskFull(other, folder, true)).isSameAs(other);
  }

  @Test
  void cliComputesARangeAndReportsASummary() throws IOException {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    TestRepo.writeParquet(dir.resolve("data/events/part-0.parquet"), TestRepo.EVENTS, TestRepo.events(7, 500, 20, 10));
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    int code = cli(out, err, "compute", "--repo", dir.toString(), "--view", "user_activity",
        "--start", "2026-01-03", "--end", "2026-01-05T00:00:00Z", "--step", "1d");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).as("the summary is a result: stdout").contains("user_activity: ", "in 3 snapshots",
        "computed 1 view: ");
    assertThat(err.toString()).doesNotContain("computed 1 view");
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).extracting(OfflineStore.Snapshot::asOf)
        .containsExactly(START + 2 * DAY, START + 3 * DAY, START + 4 * DAY);
    assertThat(OfflineStore.of(config).snapshot("user_activity", 1, START + 2 * DAY).orElseThrow().file().toString())
        .endsWith("user_activity/version=1/date=2026-01-03/asof=2026-01-03T00-00-00Z.c1.parquet");

    assertThat(cli(new StringWriter(), "compute", "--repo", dir.toString())).isEqualTo(Larder.USAGE);
    StringWriter bad = new StringWriter();
    assertThat(cli(bad, "compute", "--repo", dir.toString(), "--as-of", "soon")).isEqualTo(Larder.USAGE);
    assertThat(bad.toString()).contains("'soon' is not a time");
    StringWriter unknown = new StringWriter();
    assertThat(cli(unknown, "compute", "--repo", dir.toString(), "--view", "nope", "--as-of", "2026-01-02"))
        .isEqualTo(Larder.USAGE);
    assertThat(unknown.toString()).contains("unknown feature view 'nope'");
  }

  @Test
  void secondRunOnTheSameViewFailsWhileTheFirstHoldsTheLock() throws IOException {
    ProjectConfig config = csvRepo();
    Path lockFile = OfflineStore.of(config).viewDir("user_activity").resolve(".lock");
    try (RepoLock held = RepoLock.acquire(lockFile, "test")) {
      StringWriter err = new StringWriter();
      int code = cli(err, "compute", "--repo", dir.toString(), "--as-of", "2026-01-02", "--on-bad-row", "skip");
      assertThat(code).isEqualTo(Larder.FAILURE);
      assertThat(err.toString()).contains("another run holds the lock for compute of view 'user_activity'");
    }
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).isEmpty();
    assertThat(run(config, BadRowPolicy.SKIP, START + DAY).snapshots()).isEqualTo(1);
  }

  @Test
  void anEntityTooLargeForTheHeapBudgetFailsNamingIt() throws IOException {
    ProjectConfig config = TestRepo.create(dir, TestRepo.REGISTRY);
    List<Object[]> events = TestRepo.events(3, 3000, 1, 10); // one user
    TestRepo.writeParquet(dir.resolve("data/events/part-0.parquet"), TestRepo.EVENTS, events);
    assertThatThrownBy(() -> new Compute(config, new PrintStream(new ByteArrayOutputStream()))
        .run(new Compute.Request(List.of("user_activity"), new long[] {START + 11 * DAY}, BadRowPolicy.FAIL, 10_000)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("entity [user_id] = u0 has")
        .hasMessageContaining("does not fit the heap budget");
    assertThat(OfflineStore.of(config).snapshots("user_activity", 1)).isEmpty();
  }

  static int cli(StringWriter err, String... args) {
    return cli(new StringWriter(), err, args);
  }

  static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(out, true));
    return cl.execute(args);
  }

  static List<Path> tempFiles(OfflineStore store) throws IOException {
    Path tmp = store.viewDir("user_activity").resolve(OfflineStore.TMP);
    if (!Files.exists(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList();
    }
  }
}
