package dev.larder.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.RowWriter;
import dev.larder.offline.RowWriters;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.SourceReaders;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source layouts on HDFS read exactly as the same folders on the local disk: Hive partitions, globs (also
 * {@code **}), skipped {@code _}/{@code .} names, CSV beside Parquet, one file.
 */
class RemoteLayoutTest {
  static final RowSchema SCHEMA = new RowSchema(List.of(new Column("user_id", ValueType.INT64),
      new Column("event_timestamp", ValueType.TIMESTAMP), new Column("amount", ValueType.DOUBLE)));
  @TempDir static Path tmp;
  static Path local;
  static String remote;

  @BeforeAll
  static void layout() throws Exception {
    local = tmp.resolve("layout");
    write(local.resolve("day=2026-01-01/part-0.parquet"), 1);
    write(local.resolve("day=2026-01-02/part-0.parquet"), 2);
    write(local.resolve("day=2026-01-02/nested/part-1.parquet"), 3);
    write(local.resolve("day=__HIVE_DEFAULT_PARTITION__/part-0.parquet"), 4);
    write(local.resolve("_tmp/part-9.parquet"), 9);
    write(local.resolve(".staging/part-8.parquet"), 8);
    Files.writeString(local.resolve("_SUCCESS"), "");
    try (RowWriter csv = RowWriters.create(Files.createDirectories(local.resolve("csv")).resolve("a.csv"), SCHEMA)) {
      csv.write(new Object[] {7L, 1_767_225_600_000_000L, 1.5});
    }
    remote = Hdfs.uri() + "/layout";
    try (Storage storage = new Storage(StorageSettings.of(null, Map.of()))) {
      DataLocation target = DataLocation.parse(remote, tmp);
      storage.fileSystem(target).copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()),
          Storage.path(target));
    }
  }

  static void write(Path file, long user) throws IOException {
    Files.createDirectories(file.getParent());
    try (ParquetRowWriter w = new ParquetRowWriter(file, SCHEMA)) {
      for (int i = 0; i < 3; i++) {
        w.write(new Object[] {user, 1_767_225_600_000_000L + i, user * 10.0 + i});
      }
    }
  }

  @Test
  void everyLayoutReadsTheSameRowsAsOnTheLocalDisk() throws IOException {
    for (String path : List.of("", "/day=2026-01-02", "/day=*/*.parquet", "/**/part-0.parquet",
        "/day=2026-01-0{1,2}/**.parquet", "/day=2026-01-01/part-0.parquet", "/csv")) {
      List<String> here = rows(local + path);
      assertThat(here).as(path).isNotEmpty();
      assertThat(rows(remote + path)).as(path).containsExactlyElementsOf(here);
    }
    assertThat(rows(remote)).as("partition column, null folder, skipped names")
        .contains("[1, 1767225600000000, 10.0, 2026-01-01]", "[4, 1767225600000000, 40.0, null]")
        .noneMatch(r -> r.startsWith("[9,") || r.startsWith("[8,")).hasSize(4 * 3 + 1);
  }

  static List<String> rows(String path) throws IOException {
    Source source = Source.newBuilder().setName("s").setPath(path).setTimestampField("event_timestamp").build();
    List<String> out = new ArrayList<>();
    try (RowReader r = SourceReaders.open(source, tmp, null)) {
      for (Object[] row; (row = r.next()) != null; ) {
        out.add(Arrays.deepToString(row));
      }
    }
    return out;
  }
}
