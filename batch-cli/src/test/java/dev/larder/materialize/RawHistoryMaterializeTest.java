package dev.larder.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.RawHistory;
import dev.larder.online.EntityKeyCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primitive-column read path ({@link RawHistory}) against the boxed one ({@code ViewHistory}): the same
 * Parquet source materialized both ways must give byte-identical online rows, including nulls, widened
 * int32 keys and float features, ties, rows outside the interval, spills, and many SST files.
 */
class RawHistoryMaterializeTest {
  private static final long HOUR = 3_600_000_000L;
  private static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
  private static final int USERS = 400;

  private static final String REGISTRY = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      sources { name: "wide" path: "data/wide.parquet" timestamp_field: "ts" created_timestamp_field: "created"
        field_mapping { key: "score_in_file" value: "score" } }
      feature_views { name: "stats" entities: "user" source: "wide" ttl: "30d"
        features { name: "score" type: DOUBLE }
        features { name: "ratio" type: DOUBLE }
        features { name: "count" type: INT32 }
        features { name: "total" type: INT64 }
        features { name: "flag" type: BOOL }
        features { name: "seen" type: TIMESTAMP } }
      view_states { key: "stats" value { version: 2 } }
      """;

  private static final RowSchema FILE = new RowSchema(List.of(
      new Column("user_id", ValueType.INT32), new Column("ts", ValueType.TIMESTAMP),
      new Column("created", ValueType.TIMESTAMP), new Column("score_in_file", ValueType.DOUBLE),
      new Column("ratio", ValueType.FLOAT), new Column("count", ValueType.INT32), new Column("total", ValueType.INT64),
      new Column("flag", ValueType.BOOL), new Column("seen", ValueType.TIMESTAMP)));

  @TempDir
  Path tmp;

  @Test
  void rawAndBoxedPathsWriteByteIdenticalRows() throws Exception {
    List<Object[]> rows = randomRows(new Random(7));
    ProjectConfig boxed = repo(tmp.resolve("boxed"), rows);
    ProjectConfig raw = repo(tmp.resolve("raw"), rows);
    Catalog catalog = catalog(raw);
    try (var history = RawHistory.open(catalog, catalog.requireView("stats"), raw, Long.MIN_VALUE, Long.MAX_VALUE)
        .orElseThrow()) {
      assertThat(history.schema().size()).isEqualTo(9);
    }

    run(boxed, false);
    run(raw, true);

    List<byte[]> expected = readAll(boxed);
    List<byte[]> actual = readAll(raw);
    assertThat(expected.stream().filter(b -> b != null).count()).as("some users are served").isGreaterThan(100);
    for (int u = 0; u < USERS; u++) {
      assertThat(actual.get(u)).as("user %d", u).isEqualTo(expected.get(u));
    }
    try (var files = Files.walk(raw.onlineDir())) {
      assertThat(files.filter(f -> f.toString().endsWith(".sst")).count())
          .as("small parts: SST files built by several writer threads").isGreaterThan(4);
    }
  }

  @Test
  void aNullJoinKeyNamesFileRowAndKey() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {1, START + 2 * HOUR, null, 1.0, 1f, 1, 1L, true, START});
    rows.add(new Object[] {null, START + 2 * HOUR, null, 1.0, 1f, 1, 1L, true, START});
    ProjectConfig config = repo(tmp.resolve("bad"), rows);
    assertThatThrownBy(() -> run(config, true))
        .hasMessageContaining("data/wide.parquet row 2")
        .hasMessageContaining("join key 'user_id' is null")
        .hasMessageContaining("unchanged");
  }

  private static List<Object[]> randomRows(Random rnd) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      long ts = START + rnd.nextInt(6) * HOUR; // few distinct times: many ties on the event timestamp
      rows.add(new Object[] {
          rnd.nextInt(USERS), ts, rnd.nextInt(4) == 0 ? null : ts + rnd.nextInt(3) * HOUR,
          rnd.nextInt(5) == 0 ? null : rnd.nextGaussian(), rnd.nextInt(5) == 0 ? null : rnd.nextFloat() - 0.5f,
          rnd.nextInt(5) == 0 ? null : rnd.nextInt() >> rnd.nextInt(32),
          rnd.nextInt(5) == 0 ? null : rnd.nextLong() >> rnd.nextInt(64),
          rnd.nextInt(5) == 0 ? null : rnd.nextBoolean(), rnd.nextInt(5) == 0 ? null : ts - rnd.nextInt(1000)});
    }
    return rows;
  }

  private static ProjectConfig repo(Path dir, List<Object[]> rows) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("shop")
        + "online.sort_buffer_bytes=16KB\nonline.sst_file_bytes=4KB\n");
    ProjectConfig config = ProjectConfig.load(dir);
    Registry.Builder b = Registry.newBuilder();
    TextFormat.merge(REGISTRY, b);
    RegistryFile.write(config.registryPath(), b.setVersion(1).build());
    try (ParquetRowWriter w = new ParquetRowWriter(dir.resolve("data/wide.parquet"), FILE)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    return config;
  }

  private static Catalog catalog(ProjectConfig config) throws IOException {
    return Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
  }

  /** Materializes [START + 1h, START + 4h]: rows at START and START + 5h are outside. */
  private static void run(ProjectConfig config, boolean raw) throws IOException {
    new Materializer(config, MaterializeSource.offline(config, raw), OnlineOptions.fromSettings(config.settings()),
        Clock.systemUTC())
        .run(new Materializer.Request(List.of("stats"), OptionalLong.of(START + HOUR), START + 4 * HOUR), r -> {});
  }

  private static List<byte[]> readAll(ProjectConfig config) throws IOException {
    Catalog catalog = catalog(config);
    EntityKeyCodec keys = new EntityKeyCodec(catalog.joinKeys(catalog.requireView("stats")));
    List<byte[]> encoded = new ArrayList<>();
    for (long u = 0; u < USERS; u++) {
      encoded.add(keys.encode(new Object[] {u}));
    }
    try (OnlineStore store = OnlineStore.openForReading(config.onlineDir(), OnlineOptions.defaults().withBlockCacheBytes(0));
         ViewData data = store.acquire("stats", 2)) {
      return Arrays.asList(data.multiGet(encoded));
    }
  }
}
