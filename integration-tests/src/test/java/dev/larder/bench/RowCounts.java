package dev.larder.bench;

import static dev.larder.bench.DuckDbScript.literal;

import dev.larder.core.v1.FeatureView;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sanity check after each batch comparison: both sides produced the same number of rows. Fast and slow are
 * only comparable when the work is the same; a mismatch is reported as a note, not hidden.
 */
final class RowCounts {
  private RowCounts() {}

  /** Compares Larder's snapshot files of each view with DuckDB's {@code <view>.parquet}. */
  static Map<String, Object> compare(Path offlineDir, Path duckDir, List<FeatureView> views, Report r)
      throws SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    for (FeatureView v : views) {
      long larder = count(offlineDir.resolve(v.getName()) + "/version=*/date=*/asof=*.parquet");
      long duck = count(duckDir.resolve(v.getName() + ".parquet").toString());
      out.put(v.getName(), Map.of("larder", larder, "duckdb", duck));
      if (larder != duck) {
        r.note("row counts differ for " + v.getName() + ": larder " + larder + ", DuckDB " + duck);
      }
    }
    return out;
  }

  static long count(String parquetGlob) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + literal(parquetGlob) + ")")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("No files found")) {
        return 0;
      }
      throw e;
    }
  }
}
