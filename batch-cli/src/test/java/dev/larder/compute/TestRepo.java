package dev.larder.compute;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.TableFiles;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helper: a feature repository in a temp folder, with a registry built from text and Parquet events. */
final class TestRepo {
  static final long DAY = 86_400_000_000L;
  static final long HOUR = 3_600_000_000L;
  static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  static final RowSchema EVENTS = new RowSchema(List.of(
      new Column("user_id", ValueType.STRING),
      new Column("event_timestamp", ValueType.TIMESTAMP),
      new Column("event_type", ValueType.STRING),
      new Column("amount", ValueType.DOUBLE),
      new Column("item_id", ValueType.INT64)));

  /** The running example: a user's activity, from purchase events, over several windows. */
  static final String REGISTRY = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: STRING } }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      feature_views {
        name: "user_activity" entities: "user" source: "events"
        features { name: "purchases_7d" type: INT64
                   aggregation { function: COUNT filter: "event_type = 'purchase'" window: "7d" } }
        features { name: "spend_30d" type: DOUBLE
                   aggregation { function: SUM column: "amount" filter: "event_type = 'purchase'" window: "30d" } }
        features { name: "avg_amount_30d" type: DOUBLE
                   aggregation { function: AVG column: "amount" window: "30d" } }
        features { name: "max_amount_7d" type: DOUBLE
                   aggregation { function: MAX column: "amount" window: "7d" } }
        features { name: "min_amount" type: DOUBLE
                   aggregation { function: MIN column: "amount" window: "lifetime" } }
        features { name: "distinct_items_30d" type: INT64
                   aggregation { function: COUNT_DISTINCT column: "item_id" window: "30d" } }
        features { name: "last_event_type" type: STRING
                   aggregation { function: LAST column: "event_type" window: "30d" } }
        features { name: "events_1d" type: INT64
                   aggregation { function: COUNT window: "1d" } }
        features { name: "item_sum_1h" type: INT64
                   aggregation { function: SUM column: "item_id" filter: "amount > 10 OR amount IS NULL" window: "1h" } }
      }
      feature_views {
        name: "user_profile" entities: "user" source: "events"
        features { name: "event_type" type: STRING }
      }
      """;

  private TestRepo() {}

  static ProjectConfig create(Path dir, String registryText) throws IOException {
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("shop"));
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(registryText, b);
    RegistryFile.write(config.registryPath(), b.build());
    return config;
  }

  /**
   * Random events of {@code users} users over {@code days} days, unsorted, with nulls, duplicates, events on
   * exact day boundaries and the same time for several events of one user.
   */
  static List<Object[]> events(long seed, int count, int users, int days) {
    Random r = new Random(seed);
    List<Object[]> out = new ArrayList<>();
    String[] types = {"purchase", "view", "click", null};
    for (int i = 0; i < count; i++) {
      long t = r.nextInt(4) == 0 ? START + r.nextInt(days) * DAY // on a boundary
          : START + (long) (r.nextDouble() * days * DAY) / 1_000_000 * 1_000_000;
      Double amount = r.nextInt(8) == 0 ? null : Math.round(r.nextDouble() * 10000) / 100.0;
      Long item = r.nextInt(8) == 0 ? null : (long) r.nextInt(40);
      out.add(new Object[] {"u" + r.nextInt(users), t, types[r.nextInt(types.length)], amount, item});
      if (r.nextInt(20) == 0) {
        out.add(out.get(out.size() - 1).clone()); // duplicate
      }
    }
    return out;
  }

  static void writeParquet(Path file, RowSchema schema, List<Object[]> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (ParquetRowWriter w = new ParquetRowWriter(file, schema)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
  }

  static void writeText(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static List<Object[]> read(Path parquet) throws IOException {
    try (RowReader r = TableFiles.open(parquet, null)) {
      List<Object[]> out = new ArrayList<>();
      for (Object[] row; (row = r.next()) != null; ) {
        out.add(row);
      }
      return out;
    }
  }
}
