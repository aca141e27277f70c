package dev.larder.compute;

import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Run by hand (not a test): 10M events of 1M users over 60 days, the running example's features with 30-day
 * windows; times Larder's compute against DuckDB for one snapshot (GROUP BY) and for 30 daily snapshots
 * (range join). Usage: {@code java -Xmx2g -cp <test classpath> dev.larder.compute.ComputeBenchmark DIR [events]
 * [--duckdb-range]}.
 */
public final class ComputeBenchmark {
  static final String REGISTRY = """
      project: "bench"
      entities { name: "user" join_keys { name: "user_id" type: STRING } }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      feature_views {
        name: "user_activity" entities: "user" source: "events"
        features { name: "purchases_30d" type: INT64
                   aggregation { function: COUNT filter: "event_type = 'purchase'" window: "30d" } }
        features { name: "spend_30d" type: DOUBLE
                   aggregation { function: SUM column: "amount" filter: "event_type = 'purchase'" window: "30d" } }
        features { name: "avg_amount_30d" type: DOUBLE aggregation { function: AVG column: "amount" window: "30d" } }
        features { name: "max_amount_30d" type: DOUBLE aggregation { function: MAX column: "amount" window: "30d" } }
        features { name: "distinct_items_30d" type: INT64
                   aggregation { function: COUNT_DISTINCT column: "item_id" window: "30d" } }
        features { name: "last_event_type" type: STRING
                   aggregation { function: LAST column: "event_type" window: "30d" } }
      }
      """;
  static final long DAY = 86_400_000_000L;
  static final long START = Timestamps.toMicros(Instant.parse("2026-01-01T00:00:00Z"));

  private ComputeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    long events = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    boolean range = List.of(args).contains("--duckdb-range");
    Files.createDirectories(dir);
    Path data = dir.resolve("data/events/events.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      if (!Files.exists(data)) {
        Files.createDirectories(data.getParent());
        long t0 = System.nanoTime();
        s.execute("COPY (SELECT 'u' || (hash(i) % 1000000) AS user_id, "
            + "make_timestamp(" + START + " + (hash(i * 7) % " + 60 * DAY + ")::BIGINT)::TIMESTAMPTZ AS event_timestamp, "
            + "(['purchase', 'view', 'click', 'cart'])[1 + (hash(i * 3) % 4)::INTEGER] AS event_type, "
            + "round((hash(i * 11) % 10000) / 100.0, 2)::DOUBLE AS amount, "
            + "(hash(i * 13) % 50000)::BIGINT AS item_id "
            + "FROM range(" + events + ") t(i)) TO '" + data + "' (FORMAT parquet)");
        System.out.printf(Locale.ROOT, "generated %,d events in %.1f s%n", events, secs(t0));
      }
      long asOf = START + 45 * DAY;
      String aggs = "count(*) FILTER (WHERE event_type = 'purchase'), sum(amount) FILTER (WHERE event_type = 'purchase'), "
          + "avg(amount), max(amount), count(DISTINCT item_id), arg_max(event_type, event_timestamp)";
      long t0 = System.nanoTime();
      double c0 = cpu();
      s.execute("COPY (SELECT user_id, " + aggs + " FROM read_parquet('" + data + "') WHERE event_timestamp >= make_timestamp("
          + (asOf - 30 * DAY) + ") AND event_timestamp < make_timestamp(" + asOf + ") GROUP BY user_id) TO '"
          + dir.resolve("duck-one.parquet") + "' (FORMAT parquet)");
      System.out.printf(Locale.ROOT, "duckdb one snapshot (GROUP BY, to Parquet): %.1f s wall, %.1f s cpu%n",
          secs(t0), cpu() - c0);
      if (range) {
        t0 = System.nanoTime();
        c0 = cpu();
        s.execute("COPY (WITH a AS (SELECT make_timestamp(" + (START + 30 * DAY) + " + i * " + DAY + ") AS t FROM range(30) r(i)) "
            + "SELECT a.t, user_id, " + aggs + " FROM a JOIN read_parquet('" + data + "') e "
            + "ON e.event_timestamp >= a.t - INTERVAL 30 DAY AND e.event_timestamp < a.t GROUP BY a.t, user_id) TO '"
            + dir.resolve("duck-range.parquet") + "' (FORMAT parquet)");
        System.out.printf(Locale.ROOT, "duckdb 30 daily snapshots (range join, to Parquet): %.1f s wall, %.1f s cpu%n",
            secs(t0), cpu() - c0);
      }
    }
    ProjectConfig config = TestRepo.create(dir, REGISTRY);
    Compute compute = new Compute(config, System.out);
    long asOf = START + 45 * DAY;
    double c0 = cpu();
    Compute.Summary one = compute.run(new Compute.Request(List.of(), new long[] {asOf}, BadRowPolicy.FAIL));
    System.out.printf(Locale.ROOT, "larder one snapshot: %.1f s wall, %.1f s cpu%n", one.seconds(), cpu() - c0);
    c0 = cpu();
    Compute.Summary thirty = compute.run(new Compute.Request(List.of(),
        Compute.asOfRange(START + 30 * DAY, START + 59 * DAY, "1d"), BadRowPolicy.FAIL));
    System.out.printf(Locale.ROOT, "larder 30 daily snapshots: %.1f s wall, %.1f s cpu (max heap %d MB)%n",
        thirty.seconds(), cpu() - c0, Runtime.getRuntime().maxMemory() >> 20);
  }

  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
