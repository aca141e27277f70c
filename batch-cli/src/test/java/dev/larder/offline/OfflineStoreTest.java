package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineStoreTest {
  @TempDir Path repo;

  static final long T1 = micros("2026-11-01T00:00:00Z");
  static final long T2 = micros("2026-11-02T12:30:00.250Z");

  static long micros(String iso) {
    return Timestamps.toMicros(Instant.parse(iso));
  }

  private ProjectConfig config() {
    return new ProjectConfig(repo, "test", repo.resolve("data/registry.pb"), repo.resolve("data/offline"),
        repo.resolve("data/online"), Map.of());
  }

  private static Catalog catalog() {
    Entity user = Entity.newBuilder().setName("user")
        .addJoinKeys(Field.newBuilder().setName("user_id").setType(ValueType.INT64)).build();
    Source events = Source.newBuilder().setName("events").setPath("events").setTimestampField("ts").build();
    Source profiles = Source.newBuilder().setName("profiles").setPath("profiles.csv").setTimestampField("event_timestamp")
        .setCreatedTimestampField("created").putFieldMapping("uid", "user_id").putFieldMapping("lvl", "level")
        .build();
    FeatureView counts = FeatureView.newBuilder().setName("user_counts").addEntities("user").setSource("events")
        .addFeatures(Feature.newBuilder().setName("clicks_1d").setType(ValueType.INT64)
            .setAggregation(Aggregation.newBuilder().setFunction(Aggregation.Function.COUNT).setWindow("1d")))
        .addFeatures(Feature.newBuilder().setName("spend_7d").setType(ValueType.DOUBLE)
            .setAggregation(Aggregation.newBuilder().setFunction(Aggregation.Function.SUM).setColumn("price").setWindow("7d")))
        .build();
    FeatureView profile = FeatureView.newBuilder().setName("user_profile").addEntities("user").setSource("profiles")
        .addFeatures(Feature.newBuilder().setName("level").setType(ValueType.INT64))
        .addFeatures(Feature.newBuilder().setName("country").setType(ValueType.STRING))
        .build();
    return Catalog.of(Registry.newBuilder().addEntities(user).addSources(events).addSources(profiles)
        .addFeatureViews(counts).addFeatureViews(profile).build());
  }

  @Test
  void snapshotFilesFollowTheLayoutContract() {
    OfflineStore store = OfflineStore.of(config());
    assertThat(store.snapshotPath("v", 1, T1)).isEqualTo(repo.resolve("data/offline/v/version=1/date=2026-11-01/asof=2026-11-01T00-00-00Z.parquet"));
    assertThat(store.snapshotPath("v", 1, T2).getFileName().toString()).isEqualTo("asof=2026-11-02T12-30-00.250Z.parquet");
    assertThat(OfflineStore.parseAsOf("asof=2026-11-02T12-30-00.250Z.parquet")).contains(T2);
    assertThat(OfflineStore.parseAsOf("part-0.parquet")).isEmpty();
  }

  @Test
  void snapshotIsInvisibleUntilCommitAndReplacesAtomically() throws IOException {
    OfflineStore store = OfflineStore.of(config());
    Catalog cat = catalog();
    RowSchema schema = OfflineStore.snapshotSchema(cat, cat.requireView("user_counts"));
    assertThat(schema.columns()).extracting(Column::name)
        .containsExactly("user_id", "event_timestamp", "created_timestamp", "clicks_1d", "spend_7d");
    try (SnapshotWriter w = store.writer("user_counts", 1, T1, schema)) {
      w.write(new Object[] {1L, T1, T1, 3L, 9.5});
      assertThat(store.snapshots("user_counts", 1)).isEmpty();
      assertThat(Files.exists(w.target())).isFalse();
      assertThat(tempFiles(store)).hasSize(1);
      w.commit();
    }
    assertThat(tempFiles(store)).isEmpty();
    assertThat(store.snapshots("user_counts", 1)).extracting(OfflineStore.Snapshot::asOf).containsExactly(T1);

    try (SnapshotWriter w = store.writer("user_counts", 1, T1, schema)) {
      w.write(new Object[] {2L, T1, T1, 7L, null});
      // not committed: abandoned, the first snapshot stays
    }
    assertThat(tempFiles(store)).isEmpty();
    assertThat(history(cat, "user_counts")).containsExactly(List.of(1L, T1, T1, 3L, 9.5));

    try (SnapshotWriter w = store.writer("user_counts", 1, T1, schema)) {
      w.write(new Object[] {2L, T1, T1, 7L, null});
      w.commit();
    }
    assertThat(history(cat, "user_counts")).containsExactly(Arrays.asList(2L, T1, T1, 7L, null));
    assertThat(store.delete("user_counts", 1, T1)).isTrue();
    assertThat(store.snapshots("user_counts", 1)).isEmpty();
  }

  @Test
  void readersTakeOneVersionAndUnversionedSnapshotsBelongToTheVersionCurrentWhenWritten() throws IOException {
    Instant appliedV1 = Instant.parse("2026-11-01T00:00:00Z");
    Instant appliedV2 = Instant.parse("2026-11-10T00:00:00Z");
    Registry base = catalog().registry();
    dev.larder.core.v1.Definitions defs = dev.larder.core.v1.Definitions.newBuilder()
        .addAllEntities(base.getEntitiesList()).addAllSources(base.getSourcesList())
        .addAllFeatureViews(base.getFeatureViewsList()).build();
    Registry v1 = dev.larder.registry.Plan.between(Registry.getDefaultInstance(), defs).apply("p", appliedV1);
    FeatureView counts7d = base.getFeatureViews(0).toBuilder().setFeatures(0, base.getFeatureViews(0).getFeatures(0)
        .toBuilder().setAggregation(base.getFeatureViews(0).getFeatures(0).getAggregation().toBuilder().setWindow("7d")))
        .build();
    Registry v2 = dev.larder.registry.Plan.between(v1, defs.toBuilder().setFeatureViews(0, counts7d).build())
        .apply("p", appliedV2);
    Catalog cat = Catalog.of(v2);
    assertThat(cat.viewVersion("user_counts")).isEqualTo(2);
    OfflineStore store = OfflineStore.of(config());
    RowSchema schema = OfflineStore.snapshotSchema(cat, cat.requireView("user_counts"));

    // An older store's unversioned snapshots: T1 written while version 1 was current, T2 after version 2 was.
    Path legacyT1 = legacy(store, schema, T1, new Object[] {1L, T1, T1, 10L, 1.0}, appliedV1.plusSeconds(3600));
    legacy(store, schema, T2, new Object[] {1L, T2, T2, 20L, 2.0}, appliedV2.plusSeconds(3600));
    // Version 2 recomputed T1 into its version folder: it wins over the unversioned T1.
    try (SnapshotWriter w = store.writer("user_counts", 2, T1, schema)) {
      w.write(new Object[] {1L, T1, T1, 3L, 0.5});
      w.commit();
    }

    assertThat(store.snapshots(cat, "user_counts")).extracting(OfflineStore.Snapshot::file)
        .containsExactly(store.snapshotPath("user_counts", 2, T1), legacyT2(store));
    assertThat(store.snapshots(cat, "user_counts", 1)).extracting(OfflineStore.Snapshot::file).containsExactly(legacyT1);
    assertThat(store.versionsWithFolders("user_counts")).containsExactly(2L);
    // Readers of a version read only that version's rows: history never mixes two meanings.
    assertThat(history(cat, "user_counts")).containsExactly(List.of(1L, T1, T1, 3L, 0.5), List.of(1L, T2, T2, 20L, 2.0));
    Catalog pinned = cat.pinned("user_counts", 1);
    assertThat(pinned.requireView("user_counts").getFeatures(0).getAggregation().getWindow()).isEqualTo("1d");
    assertThat(history(pinned, "user_counts")).containsExactly(List.of(1L, T1, T1, 10L, 1.0));
  }

  /** Writes an unversioned snapshot as Larder did before versions were recorded, last modified at {@code written}. */
  private Path legacy(OfflineStore store, RowSchema schema, long asOf, Object[] row, Instant written) throws IOException {
    Path versioned = store.snapshotPath("user_counts", 99, asOf);
    try (SnapshotWriter w = store.writer("user_counts", 99, asOf, schema)) {
      w.write(row);
      w.commit();
    }
    Path old = store.viewDir("user_counts").resolve(store.viewDir("user_counts").resolve("version=99").relativize(versioned));
    Files.createDirectories(old.getParent());
    Files.move(versioned, old);
    dev.larder.disk.Folders.deleteTree(store.versionDir("user_counts", 99));
    Files.setLastModifiedTime(old, FileTime.from(written));
    return old;
  }

  private Path legacyT2(OfflineStore store) {
    return store.viewDir("user_counts").resolve(store.versionDir("user_counts", 1).relativize(store.snapshotPath("user_counts", 1, T2)));
  }

  @Test
  void staleTempFilesFromKilledRunsAreDeleted() throws IOException {
    OfflineStore store = OfflineStore.of(config());
    Path tmp = store.viewDir("v").resolve(OfflineStore.TMP);
    Files.createDirectories(tmp);
    Path old = Files.writeString(tmp.resolve("asof=x-killed.parquet"), "partial");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(3600)));
    Path fresh = Files.writeString(tmp.resolve("asof=y-running.parquet"), "partial");
    assertThat(store.deleteStaleTemps("v", Instant.now().minusSeconds(60))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void aggregationHistoryReadsSnapshotsInTimeRange() throws IOException {
    OfflineStore store = OfflineStore.of(config());
    Catalog cat = catalog();
    FeatureView view = cat.requireView("user_counts");
    RowSchema schema = OfflineStore.snapshotSchema(cat, view);
    for (long t : List.of(T2, T1)) {
      try (SnapshotWriter w = store.writer(view.getName(), 1, t, schema)) {
        w.write(new Object[] {1L, t, t + 5, t == T1 ? 1L : 2L, 1.0});
        w.write(new Object[] {2L, t, t + 5, 0L, null});
        w.commit();
      }
    }
    assertThat(history(cat, "user_counts")).containsExactly(
        List.of(1L, T1, T1 + 5, 1L, 1.0), Arrays.asList(2L, T1, T1 + 5, 0L, null),
        List.of(1L, T2, T2 + 5, 2L, 1.0), Arrays.asList(2L, T2, T2 + 5, 0L, null));
    try (RowReader r = ViewHistory.open(cat, view, config(), T1 + 1, T2)) {
      assertThat(Rows.lists(r)).extracting(row -> row.get(1)).containsExactly(T2, T2);
    }
    try (RowReader r = ViewHistory.open(cat, cat.requireView("user_counts"), config(), 0, T1 - 1)) {
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void olderSnapshotsWithoutANewFeatureReadItAsNull() throws IOException {
    OfflineStore store = OfflineStore.of(config());
    Catalog cat = catalog();
    RowSchema old = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
        new Column("event_timestamp", ValueType.TIMESTAMP), new Column("created_timestamp", ValueType.TIMESTAMP),
        new Column("clicks_1d", ValueType.INT32)));
    try (SnapshotWriter w = store.writer("user_counts", 1, T1, old)) {
      w.write(new Object[] {1L, T1, T1, 4});
      w.commit();
    }
    assertThat(history(cat, "user_counts")).containsExactly(Arrays.asList(1L, T1, T1, 4L, null));
  }

  @Test
  void passthroughHistoryReadsTheSourceWithRenames() throws IOException {
    Files.writeString(repo.resolve("profiles.csv"), "uid,event_timestamp,created,lvl,country,other\n"
        + "1,2026-11-01T00:00:00Z,2026-11-01T00:00:01Z,3,DE,x\n"
        + "2,2026-11-03T00:00:00Z,,,FR,y\n");
    Catalog cat = catalog();
    assertThat(history(cat, "user_profile")).containsExactly(
        List.of(1L, T1, T1 + 1_000_000, 3L, "DE"),
        Arrays.asList(2L, micros("2026-11-03T00:00:00Z"), null, null, "FR"));
    try (RowReader r = ViewHistory.open(cat, cat.requireView("user_profile"), config(), T1, T1)) {
      assertThat(Rows.lists(r)).hasSize(1);
    }
  }

  @Test
  void duckDbReadsTheStoreWithTheDocumentedQueries() throws Exception {
    OfflineStore store = OfflineStore.of(config());
    Catalog cat = catalog();
    RowSchema schema = OfflineStore.snapshotSchema(cat, cat.requireView("user_counts"));
    for (long t : List.of(T1, T2)) {
      try (SnapshotWriter w = store.writer("user_counts", 1, t, schema)) {
        w.write(new Object[] {1L, t, t, t == T1 ? 1L : 2L, 1.0});
        w.finish();
        w.commit();
      }
    }
    // a partial file of a killed run must not be picked up
    Files.writeString(store.viewDir("user_counts").resolve(OfflineStore.TMP).resolve("asof=x-partial.parquet"), "junk");
    String glob = store.viewDir("user_counts") + "/version=1/date=*/*.parquet";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
         java.sql.Statement st = c.createStatement()) {
      try (java.sql.ResultSet rs = st.executeQuery("SELECT count(*), min(date)::VARCHAR FROM read_parquet('" + glob
          + "', hive_partitioning = true)")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(2);
        assertThat(rs.getString(2)).isEqualTo("2026-11-01");
      }
      try (java.sql.ResultSet rs = st.executeQuery("SELECT clicks_1d, epoch_us(event_timestamp) FROM read_parquet('"
          + glob + "') WHERE event_timestamp <= TIMESTAMPTZ '2026-11-02 00:00:00+00' "
          + "QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY event_timestamp DESC) = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1);
        assertThat(rs.getLong(2)).isEqualTo(T1);
        assertThat(rs.next()).isFalse();
      }
    }
  }

  private List<List<Object>> history(Catalog cat, String view) throws IOException {
    return Rows.lists(ViewHistory.open(cat, cat.requireView(view), config()));
  }

  private static List<Path> tempFiles(OfflineStore store) throws IOException {
    Path tmp = store.viewDir("user_counts").resolve(OfflineStore.TMP);
    if (!Files.isDirectory(tmp)) return List.of();
    try (Stream<Path> s = Files.list(tmp)) {
      return s.toList();
    }
  }
}
