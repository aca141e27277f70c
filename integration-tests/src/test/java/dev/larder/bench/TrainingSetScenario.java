package dev.larder.bench;

import static dev.larder.bench.DuckDbScript.literal;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.registry.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code larder training-set}: entity rows joined point-in-time to three views (the example's two and a copy of
 * its aggregation view) versus DuckDB's ASOF LEFT JOIN with the TTL applied, on the same snapshot and source
 * files. The snapshots are computed once, unmeasured; each row count is one report.
 */
@Command(name = "training-set", mixinStandardHelpOptions = true,
    description = "larder training-set vs. DuckDB ASOF JOIN with the TTL condition on the same files.")
final class TrainingSetScenario extends Scenario {
  static final String SERVICE = "bench_model";

  @Mixin
  SampleData data;

  @Option(names = "--rows", defaultValue = "1000000,10000000", split = ",",
      description = "Entity rows per training set, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Long> rows;

  @Option(names = "--duckdb-memory", defaultValue = "2GB", description = "DuckDB memory_limit (default: ${DEFAULT-VALUE}).")
  String duckdbMemory;

  @Override
  List<Report> measure() throws Exception {
    List<Report> reports = new ArrayList<>();
    for (long n : rows) {
      reports.add(new Report("training-set", n + " entity rows, 3 views, " + data.snapshots + " daily snapshots"));
    }
    try (Workspace ws = Workspace.create(work, "training-set")) {
      Map<String, Object> setup = new LinkedHashMap<>();
      try {
        setup.put("sample_and_apply_seconds", data.create(ws, seed, end));
        addThirdView(ws);
        Child.Result compute = Child.jvm("larder-compute", ws.logs(), childJvm(), "larder", ws.repoArgs("compute",
            "--start", endInstant().minus(Duration.ofDays(data.snapshots - 1)).toString(),
            "--end", endInstant().toString(), "--step", "1d")).check();
        setup.put("compute", compute.toJson());
      } catch (NotAvailable e) {
        reports.forEach(r -> r.notAvailable(e.getMessage()));
        return reports;
      } catch (Exception e) {
        reports.forEach(r -> r.failed(e.toString()));
        e.printStackTrace();
        return reports;
      }
      for (int i = 0; i < rows.size(); i++) {
        long n = rows.get(i);
        attempt(reports.get(i), r -> {
          r.detail("setup", setup);
          run(ws, r, n);
        });
      }
    }
    return reports;
  }

  /** Adds a copy of the example's aggregation view and a service over the example's service plus the copy. */
  private static void addThirdView(Workspace ws) throws Exception {
    Catalog catalog = ws.catalog();
    FeatureService model = catalog.service("user_model")
        .orElseThrow(() -> new IllegalStateException("the example has no user_model service"));
    FeatureView agg = catalog.views().stream().filter(Catalog::isAggregation).findFirst()
        .orElseThrow(() -> new IllegalStateException("the example has no aggregation view"));
    FeatureView copy = agg.toBuilder().setName(agg.getName() + "_copy")
        .setDescription("Copy of " + agg.getName() + " so that the benchmark joins three views").build();
    ws.writeDefinitions("bench.textproto", Definitions.newBuilder().addFeatureViews(copy)
        .addFeatureServices(FeatureService.newBuilder().setName(SERVICE).addAllFeatures(model.getFeaturesList())
            .addFeatures(copy.getName()))
        .build());
    ws.apply();
  }

  private void run(Workspace ws, Report r, long n) throws Exception {
    data.describe(r);
    Catalog catalog = ws.catalog();
    Map<String, FeatureView> byName = new LinkedHashMap<>();
    for (Catalog.FeatureRef ref : catalog.resolveService(SERVICE)) {
      byName.putIfAbsent(ref.viewName(), ref.view());
    }
    List<FeatureView> views = List.copyOf(byName.values());
    Map<String, String> ttls = new LinkedHashMap<>();
    views.forEach(v -> ttls.put(v.getName(), v.getTtl().isBlank() ? "none" : v.getTtl()));
    r.param("entity_rows", n).param("service", SERVICE).param("views_ttl", ttls)
        .param("child_jvm_opts", childJvmOpts).param("duckdb_memory_limit", duckdbMemory).param("seed", seed);

    Path labels = SampleData.labels(ws, data.users, n, Math.max(1, data.snapshots - 2), seed, end);
    Path larderOut = ws.path("training-set-" + n + ".parquet");
    Child.Result larder = Child.jvm("larder-training-set-" + n, ws.logs(), childJvm(), "larder",
        ws.repoArgs("training-set", "--entities", labels.toString(), "--service", SERVICE,
            "--out", larderOut.toString(), "--full-feature-names")).check();

    String rowTs = timestampColumn(labels, catalog.joinKeys(views.get(0)));
    BaselineSql sql = new BaselineSql(catalog, ws.repo());
    Path duckOut = ws.path("duckdb-training-set-" + n + ".parquet");
    String query = sql.training("read_parquet(" + literal(labels.toString()) + ")", rowTs, views,
        ws.config().offlineDir());
    Path script = ws.path("duckdb-training-set-" + n + ".sql");
    Files.writeString(script, ComputeScenario.preamble(duckdbMemory, ws.path("duckdb-spill")) + "COPY (" + query + ") TO "
        + literal(duckOut.toString()) + " (FORMAT parquet);\n");
    Child.Result duck = Child.jvm("duckdb-training-set-" + n, ws.logs(), childJvm(), "duckdb",
        List.of(script.toString())).check();

    long larderRows = RowCounts.count(larderOut.toString());
    long duckRows = RowCounts.count(duckOut.toString());
    if (larderRows != duckRows) {
      r.note("row counts differ: larder " + larderRows + ", DuckDB " + duckRows);
    }
    r.detail("larder", larder.toJson()).detail("duckdb", duck.toJson()).detail("duckdb_script", script.toString())
        .detail("rows", Map.of("larder", larderRows, "duckdb", duckRows));
    r.figure("larder_seconds", "larder training-set wall time", larder.wallSeconds(), "s")
        .figure("duckdb_seconds", "DuckDB ASOF JOIN wall time", duck.wallSeconds(), "s")
        .figure("larder_rows_per_s", "larder entity rows/s", n / larder.wallSeconds(), "rows/s")
        .figure("time_ratio", "larder time / DuckDB time", larder.wallSeconds() / duck.wallSeconds(), "x", atMost(2))
        .figure("larder_heap_peak_mb", "larder peak heap", larder.heapPeakMb(), "MB", atMost(2048))
        .figure("larder_peak_rss_mb", "larder peak RSS", larder.peakRssMb(), "MB")
        .figure("duckdb_peak_rss_mb", "DuckDB peak RSS (JVM + native)", duck.peakRssMb(), "MB");
  }

  /** The entity rows' time column: {@code event_timestamp} if present, else the first timestamp column. */
  private static String timestampColumn(Path labels, List<Field> keys) throws SQLException {
    String first = null;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal(labels.toString()) + ")")) {
      while (rs.next()) {
        String name = rs.getString(1);
        String type = rs.getString(2);
        if (name.equals("event_timestamp")) {
          return name;
        }
        if (first == null && type.startsWith("TIMESTAMP") && keys.stream().noneMatch(k -> k.getName().equals(name))) {
          first = name;
        }
      }
    }
    if (first == null) {
      throw new IllegalStateException(labels + ": no timestamp column in the entity rows");
    }
    return first;
  }
}
