package dev.larder.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.larder.cli.DriftCommand;
import dev.larder.cli.Larder;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `larder stats` and `larder drift` on a small passthrough view whose statistics are checked against exact
 * computation: two days of rows, the second shifted.
 */
class StatsCommandTest {
  private static final long DAY1 = Timestamps.toMicros(Instant.parse("2026-01-01T00:00:00Z"));
  private static final long DAY2 = DAY1 + ViewStatistics.DAY;
  private static final RowSchema EVENTS = new RowSchema(List.of(
      new Column("user_id", ValueType.INT64), new Column("event_timestamp", ValueType.TIMESTAMP),
      new Column("amount", ValueType.DOUBLE), new Column("kind", ValueType.STRING),
      new Column("flag", ValueType.BOOL)));
  private static final String REGISTRY = """
      project: "tiny"
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      feature_views {
        name: "purchases" entities: "user" source: "events"
        features { name: "amount" type: DOUBLE }
        features { name: "kind" type: STRING }
        features { name: "flag" type: BOOL }
      }
      """;

  @TempDir
  Path dir;
  private ProjectConfig config;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("tiny"));
    config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(REGISTRY, b);
    RegistryFile.write(config.registryPath(), b.build());
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) { // day 1: amounts 0..199 (every tenth null), kinds a/b, flags alternate
      rows.add(new Object[] {(long) i, DAY1 + i * 1000L, i % 10 == 9 ? null : (double) i, i % 4 == 0 ? "b" : "a",
          i % 2 == 0});
    }
    for (int i = 0; i < 200; i++) { // day 2: amounts shifted by 150, kind mostly c, no nulls, 20% null user_id
      rows.add(new Object[] {i % 5 == 0 ? null : (long) i, DAY2 + i * 1000L, i + 150.0, i % 4 == 0 ? "a" : "c",
          i % 2 == 0});
    }
    write(rows);
  }

  @Test
  void statsMatchExactComputationPerDay() throws IOException {
    assertThat(run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    Path day1 = new StatsStore(config.offlineDir()).file("purchases", DAY1);
    assertThat(day1).exists();
    Map<String, Object[]> byFeature = new java.util.HashMap<>();
    try (RowReader r = TableFiles.open(day1, null)) {
      for (Object[] row; (row = r.next()) != null; ) {
        byFeature.put((String) row[r.schema().indexOf("feature")], row);
      }
      RowSchema s = r.schema();
      Object[] amount = byFeature.get("amount");
      List<Double> exact = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        if (i % 10 != 9) {
          exact.add((double) i);
        }
      }
      double mean = exact.stream().mapToDouble(d -> d).average().orElseThrow();
      double sd = Math.sqrt(exact.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / exact.size());
      assertThat(amount[s.indexOf("rows")]).isEqualTo(200L);
      assertThat(amount[s.indexOf("nulls")]).isEqualTo(20L);
      assertThat((Double) amount[s.indexOf("null_rate")]).isCloseTo(0.1, within(1e-12));
      assertThat(amount[s.indexOf("distinct")]).isEqualTo(180L);
      assertThat(amount[s.indexOf("min")]).isEqualTo(0.0);
      assertThat(amount[s.indexOf("max")]).isEqualTo(198.0);
      assertThat((Double) amount[s.indexOf("mean")]).isCloseTo(mean, within(1e-9));
      assertThat((Double) amount[s.indexOf("stddev")]).isCloseTo(sd, within(1e-9));
      assertThat(amount[s.indexOf("p50")]).isEqualTo(exact.get(89)); // ceil(0.5 * 180) = 90th value
      assertThat(amount[s.indexOf("p99")]).isEqualTo(exact.get(178));
      assertThat((List<?>) amount[s.indexOf("histogram_edges")]).hasSize(21);
      assertThat(((List<?>) amount[s.indexOf("histogram_counts")]).stream().mapToLong(c -> (Long) c).sum())
          .isEqualTo(180);
      assertThat(amount[s.indexOf("period_start")]).isEqualTo(DAY1);
      assertThat(amount[s.indexOf("period_end")]).isEqualTo(DAY2);
      Object[] kind = byFeature.get("kind");
      assertThat(kind[s.indexOf("top_values")]).isEqualTo(List.of("a", "b"));
      assertThat(kind[s.indexOf("top_counts")]).isEqualTo(List.of(150L, 50L));
      assertThat(byFeature.get("flag")[s.indexOf("top_counts")]).isEqualTo(List.of(100L, 100L));
    }
  }

  @Test
  void statsInTheOldSketchFormatAreRecomputedInTheRangeAndConvertedOutsideIt() throws IOException {
    StatsStore store = new StatsStore(config.offlineDir());
    long dec1 = DAY1 - 31 * ViewStatistics.DAY;
    writeLegacyPeriod(store, DAY1);
    writeLegacyPeriod(store, dec1);
    assertThat(store.legacyPeriods("purchases")).containsExactly(dec1, DAY1);

    StringWriter out = new StringWriter();
    assertThat(run(out, "stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    assertThat(out.toString()).contains("purchases: 1 period stored in the old sketch format recomputed\n",
        "purchases: 1 period outside the range converted from the old sketch format (1 distinct count is carried");

    assertThat(store.periods("purchases")).containsExactly(dec1, DAY1, DAY2);
    FeatureProfile recomputed = store.read("purchases", new TimeRange(DAY1, DAY1)).get(0).feature("amount")
        .orElseThrow().profile();
    assertThat(recomputed.rows()).isEqualTo(200);
    assertThat(recomputed.converted()).isFalse();
    PeriodStats old = store.read("purchases", new TimeRange(dec1, dec1)).get(0);
    FeatureProfile amount = old.feature("amount").orElseThrow().profile();
    assertThat(amount.converted()).as("stored again in the new format").isFalse();
    assertThat(amount.rows()).isEqualTo(101_000);
    assertThat(amount.distinct()).isEqualTo(99_507);
    assertThat(amount.distinctCarried()).isTrue();
    assertThat(old.feature("kind").orElseThrow().profile().topValues(1))
        .containsExactly(new TopValues.Entry("heavy", 29_683));
    assertThat(store.legacyPeriods("purchases")).isEmpty();

    // Drift compares the converted period with a recomputed one.
    assertThat(run(new StringWriter(), "drift", "--repo", dir.toString(), "--reference", "2025-12-01..2025-12-01",
        "--current", "2026-01-01..2026-01-01")).isEqualTo(DriftCommand.DRIFTED);
    StringWriter again = new StringWriter();
    assertThat(run(again, "stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    assertThat(again.toString()).doesNotContain("old sketch format");
  }

  /** A period file as Larder wrote it before DataSketches: profiles in format 1 (from common's test resources). */
  private static void writeLegacyPeriod(StatsStore store, long start) throws IOException {
    Path file = store.file("purchases", start);
    Files.createDirectories(file.getParent());
    String[][] features = {{"user_id", "int64", "small"}, {"amount", "double", "numeric"},
        {"kind", "string", "categorical"}, {"flag", "bool", "bool"}};
    try (ParquetRowWriter w = new ParquetRowWriter(file, StatsStore.SCHEMA)) {
      for (String[] f : features) {
        Object[] row = new Object[StatsStore.SCHEMA.size()];
        row[0] = "purchases";
        row[1] = f[0];
        row[2] = f[1];
        row[3] = start;
        row[4] = start + ViewStatistics.DAY;
        byte[] sketch;
        try (var in = StatsCommandTest.class.getResourceAsStream("legacy-" + f[2] + ".profile")) {
          assertThat(in).as("common's test resource legacy-%s.profile", f[2]).isNotNull();
          sketch = in.readAllBytes();
        }
        assertThat(sketch[0]).isEqualTo((byte) 1);
        row[StatsStore.SCHEMA.indexOf("sketch")] = sketch;
        row[StatsStore.SCHEMA.size() - 1] = start;
        w.write(row);
      }
    }
  }

  @Test
  void rerunReplacesAndDropsPeriodsWithoutData() throws IOException {
    assertThat(run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    StatsStore store = new StatsStore(config.offlineDir());
    assertThat(store.periods("purchases")).containsExactly(DAY1, DAY2);
    List<Object[]> dayOneOnly = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      dayOneOnly.add(new Object[] {(long) i, DAY1 + i, 1.0, "a", true});
    }
    write(dayOneOnly);
    Path leftover = store.root().resolve("purchases/_tmp/period=killed-run.parquet");
    Files.writeString(leftover, "half a file");
    assertThat(run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    assertThat(store.periods("purchases")).containsExactly(DAY1);
    assertThat(store.read("purchases", new TimeRange(DAY1, DAY1)).get(0).feature("amount").orElseThrow()
        .profile().rows()).isEqualTo(10);
    try (Stream<Path> tmp = Files.list(store.root().resolve("purchases").resolve("_tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void driftExitCodesFollowThresholds() throws IOException {
    assertThat(run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    String[] base = {"drift", "--repo", dir.toString(), "--reference", "2026-01-01..2026-01-01",
        "--current", "2026-01-02..2026-01-02"};
    StringWriter out = new StringWriter();
    assertThat(run(out, base)).isEqualTo(DriftCommand.DRIFTED);
    assertThat(out.toString()).containsPattern("purchases\\s+amount\\s+psi\\s+\\S+\\s+0\\.2000\\s+DRIFT")
        .containsPattern("purchases\\s+amount\\s+null_rate\\s+0\\.1000\\s+0\\.1000\\s+ok")
        .containsPattern("purchases\\s+kind\\s+js\\s+\\S+\\s+0\\.1000\\s+DRIFT")
        .containsPattern("purchases\\s+flag\\s+js\\s+0\\.0000\\s+0\\.1000\\s+ok")
        .containsPattern("purchases\\s+user_id\\s+null_rate\\s+0\\.2000\\s+0\\.1000\\s+DRIFT")
        .contains("3 of 4 features and join keys drifted");

    String[] lax = concat(base, "--psi-threshold", "100", "--ks-threshold", "1", "--js-threshold", "1",
        "--null-rate-threshold", "0.25");
    assertThat(run(new StringWriter(), lax)).isEqualTo(Larder.OK);
    // amount's null rate changes by 0.1, user_id's by 0.2: only the key crosses 0.15
    assertThat(run(new StringWriter(), concat(base, "--psi-threshold", "100", "--ks-threshold", "1", "--js-threshold",
        "1", "--null-rate-threshold", "0.15"))).isEqualTo(DriftCommand.DRIFTED);

    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), "drift.psi_threshold=100\ndrift.ks_threshold=1\n"
        + "drift.js_threshold=1\ndrift.null_rate_threshold=0.25\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(run(new StringWriter(), base)).isEqualTo(Larder.OK);
    assertThat(run(new StringWriter(), concat(base, "--js-threshold", "0.1"))).isEqualTo(DriftCommand.DRIFTED);
  }

  @Test
  void driftWithoutStatisticsSaysWhatToRun() {
    StringWriter err = new StringWriter();
    CommandLine cl = Larder.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("drift", "--repo", dir.toString(), "--reference", "2026-01-01..2026-01-01",
        "--current", "2026-01-02..2026-01-02");
    assertThat(code).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("no statistics", "larder stats --view purchases");
    assertThat(run(new StringWriter(), "drift", "--repo", dir.toString(), "--reference", "yesterday",
        "--current", "2026-01-02..2026-01-02")).isEqualTo(Larder.USAGE);
  }

  @Test
  void reportDefaultsToTheLastStoredWeeksAndNeedsStatistics() throws IOException {
    Path html = dir.resolve("out/report.html");
    StringWriter err = new StringWriter();
    CommandLine cl = Larder.commandLine();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("report", "--repo", dir.toString(), "--out", html.toString())).isEqualTo(Larder.FAILURE);
    assertThat(err.toString()).contains("no statistics", "larder stats");
    assertThat(html).doesNotExist();

    assertThat(run("stats", "--repo", dir.toString(), "--start", "2026-01-01", "--end", "2026-01-02")).isZero();
    assertThat(run("report", "--repo", dir.toString(), "--out", html.toString())).isZero();
    String page = Files.readString(html);
    // current: the 7 days up to the latest period (Jan 2); reference: the 21 days before, without statistics
    assertThat(page).contains("Current 2025-12-27 – 2026-01-02 compared with reference 2025-12-06 – 2025-12-26")
        .contains("passthrough view", "last materialized up to: never",
            "view &#39;purchases&#39; has no statistics in the reference range",
            "id=\"purchases--amount\""); // the current numbers and charts are still shown
    assertThat(run("report", "--repo", dir.toString(), "--out", html.toString(), "--reference",
        "2026-01-01..2026-01-01", "--current", "2026-01-02..2026-01-02")).isZero();
    assertThat(Files.readString(html)).contains("id=\"purchases--amount\"", "3 of 4 features and join keys drifted",
        "id=\"purchases--user_id\"", "join key: null rate only");
    assertThat(run("report", "--repo", dir.toString(), "--out", html.toString(), "--current", "2026-01-02..2026-01-02"))
        .isEqualTo(Larder.USAGE);
  }

  @Test
  void trainingSetStatsAreWrittenBesideTheSet() throws IOException {
    Path set = dir.resolve("train.parquet");
    try (ParquetRowWriter w = new ParquetRowWriter(set, EVENTS)) {
      for (int i = 0; i < 50; i++) {
        w.write(new Object[] {(long) i, DAY1 + i, i % 5 == 0 ? null : (double) i, "k" + (i % 3), i < 10});
      }
    }
    Path out = TrainingSetStats.defaultOut(set);
    PeriodStats stats = TrainingSetStats.write(set, out);
    assertThat(out.getFileName().toString()).isEqualTo("train.parquet.stats.parquet");
    List<PeriodStats> back = StatsStore.readFile(out);
    assertThat(back).hasSize(1);
    assertThat(back.get(0).features()).extracting(FeatureStats::feature)
        .containsExactly("user_id", "amount", "kind", "flag");
    FeatureProfile amount = back.get(0).feature("amount").orElseThrow().profile();
    assertThat(amount.nulls()).isEqualTo(10);
    assertThat(amount.max()).isEqualTo(49.0);
    assertThat(stats.start()).isEqualTo(DAY1);
    assertThat(stats.end()).isEqualTo(DAY1 + 49);
  }

  private void write(List<Object[]> rows) throws IOException {
    Path file = dir.resolve("data/events/part-0.parquet");
    Files.createDirectories(file.getParent());
    try (ParquetRowWriter w = new ParquetRowWriter(file, EVENTS)) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
  }

  private static int run(String... args) {
    return run(new StringWriter(), args);
  }

  private static int run(StringWriter out, String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
