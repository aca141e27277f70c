package dev.larder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a SQL script in an in-memory DuckDB: the independent baseline every batch figure is compared with.
 * Statements are separated by a line ending in ';'. Each statement's time is printed so the log shows where
 * DuckDB spent it.
 */
final class DuckDbScript {
  private DuckDbScript() {}

  static int run(Path script) throws IOException, SQLException {
    execute(split(Files.readString(script)));
    return 0;
  }

  /** Runs statements in a fresh in-memory database (also used in-process for unmeasured data generation). */
  static void execute(List<String> statements) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        long t0 = System.nanoTime();
        s.execute(sql);
        System.out.printf(Locale.ROOT, "%.3f s  %s%n", (System.nanoTime() - t0) / 1e9,
            sql.length() > 120 ? sql.substring(0, 120).replace('\n', ' ') + "..." : sql.replace('\n', ' '));
      }
    }
  }

  static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      cur.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        String sql = cur.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A quoted SQL identifier. */
  static String ident(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
