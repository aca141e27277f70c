package dev.larder.training;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.SnapshotWriter;
import dev.larder.join.JoinListener;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Run by hand (not a test): times {@link TrainingSetBuilder} against DuckDB's ASOF JOIN on the same files.
 * Three aggregation views, each with 30 daily snapshots of a third of 1M users (about 29M history rows in all),
 * and 1M entity rows at random times. Arguments: DIR [users] [entityRows]; data is generated once into DIR.
 */
public final class TrainingSetBenchmark {
  static final long DAY = 86_400_000_000L;
  static final long START = 1_767_225_600_000_000L;
  static final String REGISTRY = """
      project: "bench"
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      feature_views { name: "v0" entities: "user" source: "events" ttl: "2d"
        features { name: "a0" type: INT64 aggregation { function: COUNT window: "1d" } }
        features { name: "b0" type: DOUBLE aggregation { function: SUM column: "x" window: "1d" } }
        features { name: "c0" type: DOUBLE aggregation { function: AVG column: "x" window: "1d" } } }
      feature_views { name: "v1" entities: "user" source: "events" ttl: "7d"
        features { name: "a1" type: INT64 aggregation { function: COUNT window: "7d" } }
        features { name: "b1" type: DOUBLE aggregation { function: SUM column: "x" window: "7d" } }
        features { name: "c1" type: DOUBLE aggregation { function: AVG column: "x" window: "7d" } } }
      feature_views { name: "v2" entities: "user" source: "events"
        features { name: "a2" type: INT64 aggregation { function: COUNT window: "30d" } }
        features { name: "b2" type: DOUBLE aggregation { function: SUM column: "x" window: "30d" } }
        features { name: "c2" type: DOUBLE aggregation { function: AVG column: "x" window: "30d" } } }
      """;

  private TrainingSetBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int users = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int entityRows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    boolean skipDuckDb = args.length > 3 && args[3].equals("noduck");
    Files.createDirectories(dir);
    if (!Files.exists(dir.resolve(ProjectConfig.FILE_NAME))) {
      generate(dir, users, entityRows);
    }
    ProjectConfig config = ProjectConfig.load(dir);
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    Path entities = dir.resolve("entities.parquet");

    Path out = dir.resolve("out/train.parquet");
    long start = System.nanoTime();
    long cpu0 = cpu();
    TrainingSetSummary s = new TrainingSetBuilder(config, catalog, TrainingSetBuilder.defaultBudget(),
        new JoinListener() {
          long stepStart = System.nanoTime();

          @Override
          public void step(String label, long total) {
            long now = System.nanoTime();
            System.err.printf(Locale.ROOT, "  +%.1fs (cpu %.1fs) %s%n", (now - start) / 1e9, cpu() / 1e9, label);
            stepStart = now;
          }
        }).run(new TrainingSetRequest(entities, List.of("v0", "v1", "v2"), null, out, false,
        "event_timestamp", false));
    System.err.print(s.format());
    System.err.printf(Locale.ROOT, "larder: %.1f s, cpu %.1f s, peak heap %,d MB (max %,d MB)%n", s.seconds(),
        (cpu() - cpu0) / 1e9,
        peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);

    if (!skipDuckDb) {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
        long t0 = System.nanoTime();
        long c0 = cpu();
        String offline = config.offlineDir().toString();
        StringBuilder sql = new StringBuilder("COPY (SELECT e.*");
        for (int v = 0; v < 3; v++) {
          sql.append(", h").append(v).append(".a").append(v).append(", h").append(v).append(".b").append(v)
              .append(", h").append(v).append(".c").append(v);
        }
        sql.append(" FROM read_parquet('").append(entities).append("') e");
        for (int v = 0; v < 3; v++) {
          sql.append(" ASOF LEFT JOIN read_parquet('").append(offline).append("/v").append(v)
              .append("/version=1/*/*.parquet', hive_partitioning = false) h").append(v).append(" ON e.user_id = h").append(v)
              .append(".user_id AND e.event_timestamp >= h").append(v).append(".event_timestamp");
        }
        sql.append(") TO '").append(dir.resolve("out/duck.parquet")).append("' (FORMAT parquet)");
        st.execute(sql.toString());
        System.err.printf(Locale.ROOT, "duckdb ASOF JOIN: %.1f s, cpu %.1f s%n", (System.nanoTime() - t0) / 1e9,
            (cpu() - c0) / 1e9);
      }
    }
  }

  /** CPU time of this process: on a shared machine, a fairer measure than wall time. */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static void generate(Path dir, int users, int entityRows) throws Exception {
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("bench"));
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(REGISTRY, b);
    RegistryFile.write(config.registryPath(), b.setVersion(1).build());
    Catalog catalog = Catalog.of(b.build());
    OfflineStore store = OfflineStore.of(config);
    SplittableRandom rnd = new SplittableRandom(42);
    for (int v = 0; v < 3; v++) {
      RowSchema schema = OfflineStore.snapshotSchema(catalog, catalog.requireView("v" + v));
      for (int day = 1; day <= 30; day++) {
        long asOf = START + day * DAY;
        try (SnapshotWriter w = store.writer("v" + v, 1, asOf, schema)) {
          for (long u = 0; u < users; u++) {
            if (rnd.nextInt(3) == 0) {
              w.write(new Object[] {u, asOf, asOf + 1000, (long) rnd.nextInt(100), rnd.nextDouble() * 100,
                  rnd.nextDouble()});
            }
          }
          w.commit();
        }
      }
      System.err.println("generated view v" + v);
    }
    RowSchema e = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
        new Column("event_timestamp", ValueType.TIMESTAMP), new Column("label", ValueType.BOOL)));
    try (ParquetRowWriter w = new ParquetRowWriter(dir.resolve("entities.parquet"), e)) {
      for (int i = 0; i < entityRows; i++) {
        w.write(new Object[] {(long) rnd.nextInt(users), START + (long) (rnd.nextDouble() * 32 * DAY),
            rnd.nextBoolean()});
      }
    }
  }
}
