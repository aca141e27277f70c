package dev.larder.bench;

import dev.larder.core.v1.FeatureView;
import dev.larder.registry.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code larder compute} of the example's aggregation views versus the SQL a data engineer would write in
 * DuckDB on the same Parquet files: (a) one snapshot against a GROUP BY, (b) daily snapshots against events
 * range-joined to the as-of times and grouped. Both sides run in a child JVM with the same heap limit and
 * write Parquet.
 */
@Command(name = "compute", mixinStandardHelpOptions = true,
    description = "larder compute (one snapshot; daily snapshots) vs. DuckDB SQL on the same Parquet files.")
final class ComputeScenario extends Scenario {
  @Mixin
  SampleData data;

  @Option(names = "--part", defaultValue = "both", description = "single, daily or both (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(names = "--duckdb-memory", defaultValue = "2GB", description = "DuckDB memory_limit (default: ${DEFAULT-VALUE}).")
  String duckdbMemory;

  @Override
  List<Report> measure() throws Exception {
    Report single = new Report("compute", "(a) one snapshot vs DuckDB GROUP BY");
    Report daily = new Report("compute", "(b) " + data.snapshots + " daily snapshots vs DuckDB range join");
    List<Report> reports = new ArrayList<>();
    if (!part.equals("daily")) {
      reports.add(single);
    }
    if (!part.equals("single")) {
      reports.add(daily);
    }
    try (Workspace ws = Workspace.create(work, "compute")) {
      try {
        double setup = data.create(ws, seed, end);
        reports.forEach(r -> r.detail("sample_and_apply_seconds", setup));
      } catch (NotAvailable e) {
        reports.forEach(r -> r.notAvailable(e.getMessage()));
        return reports;
      } catch (Exception e) {
        reports.forEach(r -> r.failed(e.toString()));
        e.printStackTrace();
        return reports;
      }
      if (reports.contains(single)) {
        attempt(single, r -> run(ws, r, List.of(endInstant()), true));
      }
      if (reports.contains(daily)) {
        List<Instant> times = new ArrayList<>();
        for (int i = data.snapshots - 1; i >= 0; i--) {
          times.add(endInstant().minus(Duration.ofDays(i)));
        }
        attempt(daily, r -> run(ws, r, times, false));
      }
    }
    return reports;
  }

  private void run(Workspace ws, Report r, List<Instant> times, boolean single) throws Exception {
    data.describe(r);
    Catalog catalog = ws.catalog();
    List<FeatureView> views = catalog.views().stream().filter(Catalog::isAggregation).toList();
    if (views.isEmpty()) {
      throw new IllegalStateException("the example defines no aggregation view");
    }
    Map<String, List<String>> windows = new LinkedHashMap<>();
    for (FeatureView v : views) {
      windows.put(v.getName(), v.getFeaturesList().stream()
          .map(f -> f.getName() + " " + f.getAggregation().getFunction() + " " + f.getAggregation().getWindow())
          .collect(Collectors.toList()));
    }
    r.param("as_of_times", times.size() == 1 ? times.get(0).toString() : times.get(0) + " .. " + times.get(times.size() - 1) + " daily")
        .param("views", windows).param("child_jvm_opts", childJvmOpts).param("duckdb_memory_limit", duckdbMemory)
        .param("seed", seed);
    Path offline = ws.config().offlineDir();
    Workspace.deleteTree(offline);

    Child.Result larder = Child.jvm(single ? "larder-compute-single" : "larder-compute-daily", ws.logs(), childJvm(),
        "larder", ws.repoArgs("compute", "--start", times.get(0).toString(),
            "--end", times.get(times.size() - 1).toString(), "--step", "1d")).check();

    BaselineSql sql = new BaselineSql(catalog, ws.repo());
    StringBuilder script = new StringBuilder(preamble(duckdbMemory, ws.path("duckdb-spill")));
    Path outDir = ws.path(single ? "duckdb-single" : "duckdb-daily");
    Files.createDirectories(outDir);
    List<Long> micros = times.stream().map(t -> t.getEpochSecond() * 1_000_000L).toList();
    for (FeatureView v : views) {
      String query = single ? sql.snapshot(v, micros.get(0)) : sql.snapshots(v, micros);
      script.append("COPY (").append(query).append(") TO ")
          .append(DuckDbScript.literal(outDir.resolve(v.getName() + ".parquet").toString()))
          .append(" (FORMAT parquet);\n");
    }
    Path scriptFile = ws.path(single ? "duckdb-single.sql" : "duckdb-daily.sql");
    Files.writeString(scriptFile, script);
    Child.Result duck = Child.jvm(single ? "duckdb-single" : "duckdb-daily", ws.logs(), childJvm(), "duckdb",
        List.of(scriptFile.toString())).check();

    r.detail("larder", larder.toJson()).detail("duckdb", duck.toJson()).detail("duckdb_script", scriptFile.toString());
    r.detail("rows", RowCounts.compare(offline, outDir, views, r));
    double events = data.events;
    r.figure("larder_seconds", "larder compute wall time", larder.wallSeconds(), "s")
        .figure("duckdb_seconds", "DuckDB wall time", duck.wallSeconds(), "s")
        .figure("larder_events_per_s", "larder events/s", events / larder.wallSeconds(), "events/s")
        .figure("duckdb_events_per_s", "DuckDB events/s", events / duck.wallSeconds(), "events/s");
    if (single) {
      r.figure("time_ratio", "larder time / DuckDB time", larder.wallSeconds() / duck.wallSeconds(), "x", atMost(2));
    } else {
      r.figure("speedup", "DuckDB time / larder time", duck.wallSeconds() / larder.wallSeconds(), "x", atLeast(2));
    }
    r.figure("larder_heap_peak_mb", "larder peak heap", larder.heapPeakMb(), "MB", atMost(2048))
        .figure("larder_peak_rss_mb", "larder peak RSS", larder.peakRssMb(), "MB")
        .figure("duckdb_peak_rss_mb", "DuckDB peak RSS (JVM + native)", duck.peakRssMb(), "MB");
  }

  /**
   * Session settings of every baseline script. The spill folder is the step's own: by default DuckDB spills to
   * {@code .tmp} in the working directory, which two concurrent runs would share and corrupt.
   */
  static String preamble(String memory, Path spill) {
    return "SET TimeZone = 'UTC';\nSET memory_limit = " + DuckDbScript.literal(memory) + ";\n"
        + "SET temp_directory = " + DuckDbScript.literal(spill.toString()) + ";\n"
        + "SET preserve_insertion_order = false;\n";
  }
}
