package dev.larder.training;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.SnapshotWriter;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Test helper: a feature repository with three views of users: a passthrough profile (TTL 30d), aggregation
 * snapshots of activity (TTL 2d) and a passthrough view keyed by user and country (no TTL), all with ties on
 * event time, null created times and users without history.
 */
final class TrainingRepo {
  static final long HOUR = 3_600_000_000L;
  static final long DAY = 24 * HOUR;
  static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z

  static final String REGISTRY = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      entities { name: "country" join_keys { name: "country" type: STRING } }
      sources { name: "profiles" path: "data/profiles.parquet" timestamp_field: "ts"
                created_timestamp_field: "created" }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      sources { name: "by_country" path: "data/by_country.parquet" timestamp_field: "ts" }
      feature_views { name: "profile" entities: "user" source: "profiles" ttl: "30d"
        features { name: "age" type: INT64 }
        features { name: "city" type: STRING } }
      feature_views { name: "activity" entities: "user" source: "events" ttl: "2d"
        features { name: "clicks" type: INT64 aggregation { function: COUNT window: "7d" } }
        features { name: "score" type: DOUBLE aggregation { function: SUM column: "amount" window: "7d" } } }
      feature_views { name: "local" entities: "user" entities: "country" source: "by_country"
        features { name: "score" type: DOUBLE } }
      feature_services { name: "model" features: "profile:age" features: "activity" }
      """;

  static final RowSchema ENTITIES = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
      new Column("country", ValueType.STRING), new Column("event_timestamp", ValueType.TIMESTAMP),
      new Column("label", ValueType.BOOL)));

  final ProjectConfig config;
  final Catalog catalog;
  final Path entities;

  private TrainingRepo(ProjectConfig config, Catalog catalog, Path entities) {
    this.config = config;
    this.catalog = catalog;
    this.entities = entities;
  }

  static TrainingRepo create(Path dir, long seed) throws IOException {
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("shop"));
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(REGISTRY, b);
    RegistryFile.write(config.registryPath(), b.setVersion(1).build());
    Catalog catalog = Catalog.of(b.build());
    Random rnd = new Random(seed);
    Files.createDirectories(dir.resolve("data/events"));
    writeProfiles(dir.resolve("data/profiles.parquet"), rnd);
    writeByCountry(dir.resolve("data/by_country.parquet"), rnd);
    writeSnapshots(config, catalog, rnd);
    Path entities = dir.resolve("entities.parquet");
    writeEntities(entities, rnd);
    return new TrainingRepo(config, catalog, entities);
  }

  /** A time on one of few hours, so that many rows share an event time. */
  static long time(Random rnd, int days) {
    return START + rnd.nextInt(days) * DAY + rnd.nextInt(4) * 6 * HOUR;
  }

  private static void writeProfiles(Path file, Random rnd) throws IOException {
    RowSchema s = new RowSchema(List.of(new Column("user_id", ValueType.INT64), new Column("ts", ValueType.TIMESTAMP),
        new Column("created", ValueType.TIMESTAMP), new Column("age", ValueType.INT64),
        new Column("city", ValueType.STRING)));
    Set<String> seen = new HashSet<>();
    try (ParquetRowWriter w = new ParquetRowWriter(file, s)) {
      for (int i = 0; i < 800; i++) {
        long user = rnd.nextInt(60);
        long ts = time(rnd, 60);
        Long created = rnd.nextInt(5) == 0 ? null : ts + rnd.nextInt(3) * HOUR;
        if (seen.add(user + "/" + ts + "/" + created)) { // equal (event, created) would have no defined winner
          w.write(new Object[] {user, ts, created, (long) rnd.nextInt(90), rnd.nextInt(9) == 0 ? null : "c" + i});
        }
      }
    }
  }

  private static void writeByCountry(Path file, Random rnd) throws IOException {
    RowSchema s = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
        new Column("country", ValueType.STRING), new Column("ts", ValueType.TIMESTAMP),
        new Column("score", ValueType.DOUBLE)));
    Set<String> seen = new HashSet<>();
    try (ParquetRowWriter w = new ParquetRowWriter(file, s)) {
      for (int i = 0; i < 500; i++) {
        long user = rnd.nextInt(60);
        String country = rnd.nextBoolean() ? "de" : "fr";
        long ts = time(rnd, 60);
        if (seen.add(user + "/" + country + "/" + ts)) {
          w.write(new Object[] {user, country, ts, rnd.nextInt(7) == 0 ? null : rnd.nextGaussian()});
        }
      }
    }
  }

  /** Daily snapshots; on some days a second snapshot later the same day. */
  private static void writeSnapshots(ProjectConfig config, Catalog catalog, Random rnd) throws IOException {
    OfflineStore store = OfflineStore.of(config);
    RowSchema schema = OfflineStore.snapshotSchema(catalog, catalog.requireView("activity"));
    for (int day = 0; day < 60; day += 1 + rnd.nextInt(3)) {
      List<Long> asOfs = new ArrayList<>(List.of(START + day * DAY));
      if (rnd.nextInt(4) == 0) {
        asOfs.add(START + day * DAY + 12 * HOUR);
      }
      for (long asOf : asOfs) {
        try (SnapshotWriter w = store.writer("activity", 1, asOf, schema)) {
          for (long user = 0; user < 60; user++) {
            if (rnd.nextInt(3) > 0) {
              w.write(new Object[] {user, asOf, asOf + rnd.nextInt(1000), (long) rnd.nextInt(50),
                  rnd.nextInt(8) == 0 ? null : rnd.nextDouble() * 100});
            }
          }
          w.commit();
        }
      }
    }
  }

  /** Entity rows: users with and without history, null keys, duplicates, rows before any history. */
  private static void writeEntities(Path file, Random rnd) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      if (!rows.isEmpty() && rnd.nextInt(10) == 0) {
        rows.add(rows.get(rnd.nextInt(rows.size())).clone());
        continue;
      }
      Long user = rnd.nextInt(25) == 0 ? null : (long) rnd.nextInt(70);
      String country = rnd.nextInt(25) == 0 ? null : rnd.nextBoolean() ? "de" : "fr";
      long ts = rnd.nextInt(5) == 0 ? time(rnd, 70) - DAY * 5 : time(rnd, 70) + rnd.nextInt(3) * HOUR * 2;
      rows.add(new Object[] {user, country, ts, rnd.nextBoolean()});
    }
    try (ParquetRowWriter w = new ParquetRowWriter(file, ENTITIES)) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
  }
}
