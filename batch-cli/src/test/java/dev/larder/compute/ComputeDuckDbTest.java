package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.HOUR;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.offline.OfflineStore;
import dev.larder.registry.ProjectConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compute end to end on a small repository, checked against the same features written as DuckDB SQL over the
 * same Parquet file: once with all events in memory, once with a tiny heap budget that forces spilling and
 * re-partitioning.
 */
class ComputeDuckDbTest {
  static final long[] AS_OFS = {START, START + 10 * DAY, START + 17 * DAY, START + 17 * DAY + HOUR, START + 41 * DAY};
  static final int FEATURES = 9;

  @TempDir
  static Path dir;
  static ProjectConfig config;
  static Map<Long, Map<String, List<Object>>> expected = new TreeMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    config = TestRepo.create(dir, TestRepo.REGISTRY);
    Path events = dir.resolve("data/events/part-0.parquet");
    TestRepo.writeParquet(events, TestRepo.EVENTS, TestRepo.events(42, 4000, 150, 40));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (long t : AS_OFS) {
        expected.put(t, query(s, sql(events, t)));
      }
    }
  }

  /** The documented semantics in SQL: window T - w <= ts < T per feature, last by (time, row number). */
  static String sql(Path events, long t) {
    String in7d = "ts >= " + (t - 7 * DAY);
    String in30d = "ts >= " + (t - 30 * DAY);
    return "WITH e AS (SELECT *, epoch_us(event_timestamp) AS ts FROM read_parquet('" + events
        + "', file_row_number = true)) SELECT user_id, "
        + "count(*) FILTER (WHERE event_type = 'purchase' AND " + in7d + "), "
        + "sum(amount) FILTER (WHERE event_type = 'purchase' AND " + in30d + "), "
        + "avg(amount) FILTER (WHERE " + in30d + "), "
        + "max(amount) FILTER (WHERE " + in7d + "), "
        + "min(amount), "
        + "count(DISTINCT item_id) FILTER (WHERE " + in30d + "), "
        + "arg_max(event_type, ts::HUGEINT * 1000000 + file_row_number) FILTER (WHERE event_type IS NOT NULL AND "
        + in30d + "), "
        + "count(*) FILTER (WHERE ts >= " + (t - DAY) + "), "
        + "sum(item_id) FILTER (WHERE (amount > 10 OR amount IS NULL) AND ts >= " + (t - HOUR) + ") "
        + "FROM e WHERE ts < " + t + " GROUP BY user_id";
  }

  static Map<String, List<Object>> query(Statement s, String sql) throws Exception {
    Map<String, List<Object>> out = new TreeMap<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 2; i <= FEATURES + 1; i++) {
          row.add(normalize(rs.getObject(i)));
        }
        out.put(rs.getString(1), row);
      }
    }
    return out;
  }

  static Object normalize(Object v) {
    if (v instanceof BigInteger b) return b.longValueExact();
    if (v instanceof Integer i) return i.longValue();
    return v;
  }

  @Test
  void inMemoryMatchesDuckDb() throws Exception {
    Compute.Summary s = run(0);
    assertThat(s.views().get(0).spillPartitions()).isZero();
    assertSnapshotsMatch();
  }

  @Test
  void spilledAndRepartitionedMatchesDuckDb() throws Exception {
    Compute.Summary s = run(40_000);
    assertThat(s.views().get(0).spillPartitions()).isGreaterThan(ViewComputation.FAN_OUT);
    assertSnapshotsMatch();
  }

  /** One as-of time per run: the window reads events through the sort order instead of a reordered block. */
  @Test
  void oneAsOfTimePerRunMatchesDuckDb() throws Exception {
    for (long t : AS_OFS) {
      Compute.Summary s = new Compute(config, new PrintStream(new ByteArrayOutputStream(), true))
          .run(new Compute.Request(List.of("user_activity"), new long[] {t}, BadRowPolicy.FAIL));
      assertThat(s.snapshots()).isEqualTo(1);
    }
    assertSnapshotsMatch();
  }

  static Compute.Summary run(long budget) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Compute.Summary s = new Compute(config, new PrintStream(log, true))
        .run(new Compute.Request(List.of(), AS_OFS, BadRowPolicy.FAIL, budget));
    assertThat(s.snapshots()).isEqualTo(AS_OFS.length);
    assertThat(s.views()).extracting(Compute.ViewSummary::view).containsExactly("user_activity", "user_profile");
    assertThat(s.views().get(1).aggregation()).isFalse();
    assertThat(s.views().get(1).events()).isEqualTo(s.views().get(0).events());
    assertThat(log.toString()).contains("computed 2 views:").contains("events/s");
    return s;
  }

  void assertSnapshotsMatch() throws Exception {
    OfflineStore store = OfflineStore.of(config);
    assertThat(store.snapshots("user_activity", 1)).extracting(OfflineStore.Snapshot::asOf)
        .containsExactly(java.util.Arrays.stream(AS_OFS).boxed().toArray(Long[]::new));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (long t : AS_OFS) {
        Path file = store.snapshot("user_activity", 1, t).orElseThrow().file();
        Map<String, List<Object>> actual = new TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT * EXCLUDE (event_timestamp, created_timestamp), "
            + "epoch_us(event_timestamp) FROM read_parquet('" + file + "', hive_partitioning = false)")) {
          while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 2; i <= FEATURES + 1; i++) {
              row.add(normalize(rs.getObject(i)));
            }
            assertThat(rs.getLong(FEATURES + 2)).isEqualTo(t);
            actual.put(rs.getString(1), row);
          }
        }
        Map<String, List<Object>> want = expected.get(t);
        assertThat(actual.keySet()).as("entities at " + t).isEqualTo(want.keySet());
        for (String user : want.keySet()) {
          List<Object> a = actual.get(user);
          List<Object> e = want.get(user);
          for (int i = 0; i < FEATURES; i++) {
            if (e.get(i) instanceof Double d) {
              assertThat((Double) a.get(i)).as(user + " feature " + i).isCloseTo(d, org.assertj.core.data.Offset.offset(1e-9));
            } else {
              assertThat(a.get(i)).as(user + " feature " + i + " at " + t).isEqualTo(e.get(i));
            }
          }
        }
      }
    }
    assertThat(expected.get(START)).isEmpty();
    assertThat(expected.get(START + 41 * DAY)).hasSize(150);
    try (var runs = Files.list(store.viewDir("user_activity").resolve("_runs"))) {
      assertThat(runs.toList()).isNotEmpty();
    }
  }
}
