package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders, globs, Hive partitions, renames, declared schemas and schema drift across files. */
class SourceLayoutTest {
  @TempDir Path repo;

  static final RowSchema EVENTS = new RowSchema(List.of(new Column("uid", ValueType.INT32),
      new Column("amount", ValueType.FLOAT), new Column("ts", ValueType.TIMESTAMP)));

  private void parquet(String path, RowSchema schema, Object[]... rows) throws IOException {
    Path f = repo.resolve(path);
    Files.createDirectories(f.getParent());
    try (ParquetRowWriter w = new ParquetRowWriter(f, schema)) {
      for (Object[] r : rows) w.write(r);
    }
  }

  private static Source.Builder source(String path) {
    return Source.newBuilder().setName("events").setPath(path).setTimestampField("ts");
  }

  private static Field field(String name, ValueType t) {
    return Field.newBuilder().setName(name).setType(t).build();
  }

  private List<List<Object>> read(Source s, String... columns) throws IOException {
    return Rows.lists(SourceReaders.open(s, repo, columns.length == 0 ? null : List.of(columns)));
  }

  @Test
  void hivePartitionsBecomeColumnsAndFilesAreReadInPathOrder() throws IOException {
    parquet("events/region=us/day=2/b.parquet", EVENTS, new Object[] {2, 2f, 20L});
    parquet("events/region=eu/day=1/a.parquet", EVENTS, new Object[] {1, 1f, 10L});
    parquet("events/region=us/day=1/a.parquet", EVENTS, new Object[] {3, 3f, 30L});
    parquet("events/region=__HIVE_DEFAULT_PARTITION__/day=1/a.parquet", EVENTS, new Object[] {4, 4f, 40L});
    Files.writeString(repo.resolve("events/_SUCCESS"), "");
    Files.createDirectories(repo.resolve("events/_tmp"));
    Files.writeString(repo.resolve("events/_tmp/partial.parquet"), "junk");
    Files.writeString(repo.resolve("events/.hidden.parquet"), "junk");

    Source s = source("events").build();
    assertThat(SourceReaders.schema(s, repo).orElseThrow().columns()).extracting(Column::name)
        .containsExactly("uid", "amount", "ts", "region", "day");
    assertThat(read(s, "region", "day", "uid")).containsExactly(
        Arrays.asList(null, "1", 4), List.of("eu", "1", 1), List.of("us", "1", 3), List.of("us", "2", 2));

    Source typed = source("events").addAllSchema(List.of(field("uid", ValueType.INT64), field("ts", ValueType.TIMESTAMP),
        field("day", ValueType.INT32))).build();
    assertThat(SourceReaders.schema(typed, repo).orElseThrow().columns()).containsExactly(
        new Column("uid", ValueType.INT64), new Column("ts", ValueType.TIMESTAMP), new Column("day", ValueType.INT32),
        new Column("region", ValueType.STRING));
    assertThat(read(typed, "day", "uid")).containsExactly(List.of(1, 4L), List.of(1, 1L), List.of(1, 3L), List.of(2, 2L));
  }

  @Test
  void globsSelectFilesRelativeToTheRepo() throws IOException {
    parquet("data/2026/a.parquet", EVENTS, new Object[] {1, 1f, 10L});
    parquet("data/2026/b.parquet", EVENTS, new Object[] {2, 2f, 20L});
    parquet("data/2025/a.parquet", EVENTS, new Object[] {3, 3f, 30L});
    assertThat(read(source("data/*/a.parquet").build(), "uid")).containsExactly(List.of(3), List.of(1));
    assertThat(read(source("data/2026/*.parquet").build(), "uid")).containsExactly(List.of(1), List.of(2));
    assertThat(read(source("data/**.parquet").build(), "uid")).hasSize(3);
    assertThat(SourceReaders.schema(source("nothing/*.parquet").build(), repo)).isEmpty();
  }

  @Test
  void renamesAndDeclaredWideningApply() throws IOException {
    parquet("e.parquet", EVENTS, new Object[] {1, 1.5f, 10L});
    Source s = source("e.parquet").putFieldMapping("uid", "user_id").putFieldMapping("amount", "price")
        .addAllSchema(List.of(field("user_id", ValueType.INT64), field("price", ValueType.DOUBLE),
            field("ts", ValueType.TIMESTAMP))).build();
    try (RowReader r = SourceReaders.open(s, repo, List.of("price", "user_id"))) {
      assertThat(r.schema().columns()).containsExactly(new Column("price", ValueType.DOUBLE),
          new Column("user_id", ValueType.INT64));
      assertThat(r.next()).containsExactly(1.5, 1L);
      assertThat(r.position()).isEqualTo("e.parquet row 1");
    }
    assertThatThrownBy(() -> SourceReaders.open(s, repo, List.of("uid")))
        .hasMessageContaining("source 'events' has no column 'uid'");
  }

  @Test
  void schemaDriftNamesTheFileAndColumn() throws IOException {
    parquet("events/a.parquet", EVENTS, new Object[] {1, 1f, 10L});
    parquet("events/b.parquet", new RowSchema(List.of(new Column("uid", ValueType.STRING),
        new Column("amount", ValueType.FLOAT), new Column("ts", ValueType.TIMESTAMP))), new Object[] {"x", 1f, 10L});
    assertThatThrownBy(() -> read(source("events").build()))
        .isInstanceOf(IOException.class)
        .hasMessage("column 'uid' in events/b.parquet is string, expected int32");

    Files.delete(repo.resolve("events/b.parquet"));
    parquet("events/c.parquet", new RowSchema(List.of(new Column("uid", ValueType.INT32),
        new Column("ts", ValueType.TIMESTAMP))), new Object[] {1, 10L});
    assertThatThrownBy(() -> read(source("events").build()))
        .hasMessageStartingWith("events/c.parquet has no column 'amount'");
    // a column the reader does not ask for may be dropped
    assertThat(read(source("events").build(), "uid", "ts")).hasSize(2);

    Source declared = source("events").addSchema(field("uid", ValueType.BOOL)).build();
    assertThatThrownBy(() -> read(declared)).hasMessage("column 'uid' in events/a.parquet is int32, expected bool");
  }

  @Test
  void mixedParquetAndCsvFolderAndEmptyFolder() throws IOException {
    parquet("mixed/a.parquet", EVENTS, new Object[] {1, 1f, 10L});
    Files.writeString(repo.resolve("mixed/b.csv"), "uid,amount,ts\n2,2.5,1970-01-01T00:00:00.000020Z\n");
    assertThat(read(source("mixed").build())).containsExactly(List.of(1, 1f, 10L), List.of(2, 2.5f, 20L));
    Files.createDirectories(repo.resolve("empty"));
    assertThat(SourceReaders.schema(source("empty").build(), repo)).isEmpty();
    assertThatThrownBy(() -> SourceReaders.open(source("empty").build(), repo, null))
        .hasMessageContaining("source 'events' has no data files at empty");
    assertThat(read(source("empty").addSchema(field("uid", ValueType.INT64)).build())).isEmpty();
  }
}
