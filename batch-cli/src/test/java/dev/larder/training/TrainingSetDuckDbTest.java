package dev.larder.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.join.JoinListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Builds training sets from real Parquet files (a passthrough view with TTL and created times, aggregation
 * snapshots with TTL, a two-key view) and compares every value with DuckDB computing the same rule in SQL: the
 * candidates of each row filtered by key, time, TTL and created time, and the winner chosen by a window function.
 */
class TrainingSetDuckDbTest {
  @TempDir
  Path dir;

  private static final String ALL = "profile:age,profile:city,activity,local:score";

  @Test
  void matchesDuckDb() throws Exception {
    TrainingRepo repo = TrainingRepo.create(dir, 7);
    Path out = dir.resolve("out/train.parquet");
    int code = run("training-set", "--repo", dir.toString(), "--entities", repo.entities.toString(),
        "--features", ALL, "--full-feature-names", "--out", out.toString());
    assertThat(code).isZero();
    assertThat(mismatches(repo, out, false)).isZero();
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files).as("no temp or spill files left").containsExactly(out);
    }
  }

  @Test
  void createdBeforeRowMatchesDuckDb() throws Exception {
    TrainingRepo repo = TrainingRepo.create(dir, 11);
    Path out = dir.resolve("train.parquet");
    TrainingSetBuilder builder = new TrainingSetBuilder(repo.config, repo.catalog, 1 << 30, JoinListener.NONE);
    TrainingSetSummary summary = builder.run(new TrainingSetRequest(repo.entities, List.of(ALL.split(",")), null,
        out, true, "event_timestamp", true));
    assertThat(mismatches(repo, out, true)).isZero();
    assertThat(summary.rows()).isEqualTo(400);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (int v = 0; v < 3; v++) {
        String column = List.of("profile__age", "activity__clicks", "local__score").get(v);
        long view = v;
        // a matched row may still hold a null feature value, so count matches from the reference query
        ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + expected(repo, true) + ") WHERE " + "m" + view);
        rs.next();
        assertThat(rs.getLong(1)).as("the data has matches and misses").isBetween(50L, 350L);
        assertThat(summary.join().views().get(v).matched()).as(column).isEqualTo(rs.getLong(1));
        assertThat(summary.join().views().get(v).nulls()).isEqualTo(400 - rs.getLong(1));
      }
    }
  }

  @Test
  void spillsWithATinyBudgetAndStillMatches() throws Exception {
    TrainingRepo repo = TrainingRepo.create(dir, 13);
    Path out = dir.resolve("out/train.parquet");
    new TrainingSetBuilder(repo.config, repo.catalog, 4_000, JoinListener.NONE).run(new TrainingSetRequest(
        repo.entities, List.of(ALL.split(",")), null, out, true, "event_timestamp", false));
    assertThat(mismatches(repo, out, false)).isZero();
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files).as("no temp, spill or part files left").containsExactly(out);
    }
  }

  static int run(String... args) {
    CommandLine cl = Larder.commandLine();
    cl.setErr(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  /** The number of output rows that differ from DuckDB's answer (in any column), or are missing or extra. */
  private static long mismatches(TrainingRepo repo, Path out, boolean createdBeforeRow) throws SQLException {
    String actual = "SELECT file_row_number AS rn, * FROM read_parquet('" + out + "', file_row_number = true)";
    String sql = "SELECT count(*) FROM (" + expected(repo, createdBeforeRow) + ") x FULL JOIN (" + actual
        + ") y USING (rn) WHERE x.rn IS NULL OR y.rn IS NULL"
        + " OR x.user_id IS DISTINCT FROM y.user_id OR x.country IS DISTINCT FROM y.country"
        + " OR x.event_timestamp IS DISTINCT FROM y.event_timestamp OR x.label IS DISTINCT FROM y.label"
        + " OR x.age IS DISTINCT FROM y.profile__age OR x.city IS DISTINCT FROM y.profile__city"
        + " OR x.clicks IS DISTINCT FROM y.activity__clicks OR x.ascore IS DISTINCT FROM y.activity__score"
        + " OR x.lscore IS DISTINCT FROM y.local__score";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      ResultSet rows = s.executeQuery("SELECT count(*) FROM (" + actual + ")");
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(400);
      ResultSet rs = s.executeQuery(sql);
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The rule in SQL, one winner per entity row and view; m0..m2 say whether the view matched. */
  static String expected(TrainingRepo repo, boolean createdBeforeRow) {
    Path data = repo.config.repoDir().resolve("data");
    String snapshots = repo.config.offlineDir().resolve("activity") + "/version=1/*/*.parquet";
    return "WITH e AS (SELECT file_row_number AS rn, * FROM read_parquet('" + repo.entities
        + "', file_row_number = true)),"
        + " p AS (" + winner("h.age, h.city", "read_parquet('" + data.resolve("profiles.parquet") + "')",
            "h.user_id = e.user_id", "ts", "created", 30, createdBeforeRow) + "),"
        + " a AS (" + winner("h.clicks, h.score AS ascore", "read_parquet('" + snapshots
            + "', hive_partitioning = false)", "h.user_id = e.user_id", "event_timestamp", "created_timestamp", 2,
            createdBeforeRow) + "),"
        + " l AS (" + winner("h.score AS lscore", "read_parquet('" + data.resolve("by_country.parquet") + "')",
            "h.user_id = e.user_id AND h.country = e.country", "ts", null, 0, createdBeforeRow) + ")"
        + " SELECT e.*, p.age, p.city, a.clicks, a.ascore, l.lscore,"
        + " p.rn IS NOT NULL AS m0, a.rn IS NOT NULL AS m1, l.rn IS NOT NULL AS m2"
        + " FROM e LEFT JOIN p USING (rn) LEFT JOIN a USING (rn) LEFT JOIN l USING (rn)";
  }

  private static String winner(String columns, String table, String keys, String ts, String created, int ttlDays,
                               boolean createdBeforeRow) {
    String rowTs = "epoch_us(e.event_timestamp)";
    String eventTs = "epoch_us(h." + ts + ")";
    String createdTs = created == null ? "NULL::BIGINT" : "epoch_us(h." + created + ")";
    return "SELECT e.rn, " + columns + " FROM e JOIN " + table + " h ON " + keys
        + " AND " + eventTs + " <= " + rowTs
        + (ttlDays > 0 ? " AND " + eventTs + " > " + rowTs + " - " + ttlDays + " * 86400000000" : "")
        + (createdBeforeRow ? " AND (" + createdTs + " IS NULL OR " + createdTs + " <= " + rowTs + ")" : "")
        + " QUALIFY row_number() OVER (PARTITION BY e.rn ORDER BY " + eventTs + " DESC, " + createdTs
        + " DESC NULLS LAST) = 1";
  }
}
