package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by other tools (DuckDB, parquet-java's example writer) and Larder's files read by DuckDB. */
class ForeignParquetTest {
  @TempDir Path dir;

  static final long NOON = Timestamps.toMicros(Instant.parse("2026-11-01T12:00:00.123456Z"));

  private static Connection duckdb() throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:");
  }

  @Test
  void readsWhatDuckDbWrites() throws Exception {
    Path f = dir.resolve("duck.parquet");
    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("COPY (SELECT * FROM (VALUES "
          + "(1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 5::UINTEGER, 1.5::FLOAT, 2.5::DOUBLE, true, 'héllo', "
          + " TIMESTAMP '2026-11-01 12:00:00.123456', TIMESTAMP_NS '2026-11-01 12:00:00.123456789', "
          + " TIMESTAMPTZ '2026-11-01 12:00:00.123456+00', TIMESTAMP_MS '2026-11-01 12:00:00.123', DATE '2026-11-01', "
          + " 12.34::DECIMAL(10,2), 1234567890.1234567891::DECIMAL(38,10), 'a1b2c3d4-0000-4000-8000-000000000001'::UUID, "
          + " [1, 2, NULL]::INTEGER[], ['x', 'y']::VARCHAR[], '\\x01\\x02'::BLOB), "
          + "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
          + " []::INTEGER[], NULL, NULL)) "
          + "t(i8, i16, i32, i64, u32, f, d, b, s, ts, ts_ns, tstz, ts_ms, dt, dec, bigdec, id, ints, strs, blob)) "
          + "TO '" + f + "' (FORMAT parquet, COMPRESSION zstd)");
    }
    RowSchema schema = TableFiles.schema(f).orElseThrow();
    assertThat(schema.columns()).containsExactly(
        new Column("i8", ValueType.INT32), new Column("i16", ValueType.INT32), new Column("i32", ValueType.INT32),
        new Column("i64", ValueType.INT64), new Column("u32", ValueType.INT64), new Column("f", ValueType.FLOAT),
        new Column("d", ValueType.DOUBLE), new Column("b", ValueType.BOOL), new Column("s", ValueType.STRING),
        new Column("ts", ValueType.TIMESTAMP), new Column("ts_ns", ValueType.TIMESTAMP),
        new Column("tstz", ValueType.TIMESTAMP), new Column("ts_ms", ValueType.TIMESTAMP),
        new Column("dt", ValueType.TIMESTAMP), new Column("dec", ValueType.DOUBLE),
        new Column("bigdec", ValueType.DOUBLE), new Column("id", ValueType.STRING),
        new Column("ints", ValueType.INT32_LIST), new Column("strs", ValueType.STRING_LIST),
        new Column("blob", ValueType.BYTES));
    List<Object[]> rows = Rows.all(TableFiles.open(f, null));
    long midnight = Timestamps.toMicros(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(Rows.text(rows)).containsExactly(
        Rows.text(Arrays.asList(1, 2, 3, 4L, 5L, 1.5f, 2.5, true, "héllo", NOON, NOON, NOON, NOON - 456, midnight,
            12.34, 1234567890.1234567891, "a1b2c3d4-0000-4000-8000-000000000001", Arrays.asList(1, 2, null),
            List.of("x", "y"), new byte[] {1, 2})),
        Rows.text(Arrays.asList(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, List.of(), null, null)));
  }

  @Test
  void columnsLarderCannotReadAreSkippedUnlessRequested() throws Exception {
    Path f = dir.resolve("nested.parquet");
    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT 1::BIGINT AS id, MAP {'a': 1} AS m, {'x': 1, 'y': 'z'} AS st, 'v' AS s) TO '" + f
          + "' (FORMAT parquet)");
    }
    assertThat(TableFiles.schema(f).orElseThrow().columns()).extracting(Column::name).containsExactly("id", "s");
    assertThat(Rows.lists(TableFiles.open(f, List.of("s", "id")))).containsExactly(List.of("v", 1L));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TableFiles.open(f, List.of("m")))
        .hasMessageContaining("has no column 'm'");
  }

  @Test
  void readsInt96AndLegacyListsFromParquetJavaWithGzip() throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message spark_schema {"
        + " required int64 user_id; optional int96 ts; optional binary raw;"
        + " optional binary kind (ENUM); optional int32 small (INTEGER(16,true));"
        + " optional group tags (LIST) { repeated binary array (UTF8); } }");
    Path f = dir.resolve("old-spark.gz.parquet");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
        .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.GZIP).build()) {
      SimpleGroupFactory g = new SimpleGroupFactory(schema);
      Group row = g.newGroup().append("user_id", 7L).append("ts", int96(NOON)).append("raw", Binary.fromConstantByteArray(new byte[] {9}))
          .append("kind", "A").append("small", -3);
      Group tags = row.addGroup("tags");
      tags.append("array", "t1");
      tags.append("array", "t2");
      w.write(row);
      w.write(g.newGroup().append("user_id", 8L).append("ts", int96(-1_500_000L)));
    }
    List<Object[]> rows = Rows.all(TableFiles.open(f, List.of("user_id", "ts", "raw", "kind", "small", "tags")));
    assertThat(Rows.text(rows)).containsExactly(
        Rows.text(Arrays.asList(7L, NOON, new byte[] {9}, "A", -3, List.of("t1", "t2"))),
        Rows.text(Arrays.asList(8L, -1_500_000L, null, null, null, null)));
  }

  @Test
  void readsManySmallRowGroupsAndPagesWithListsAcrossPageBoundaries() throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message m { required int64 id; optional binary s (UTF8);"
        + " optional group xs (LIST) { repeated group list { optional int64 element; } } }");
    Path f = dir.resolve("small-groups.parquet");
    int n = 5_000;
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f)).withType(schema)
        .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.SNAPPY)
        .withRowGroupSize(16 * 1024).withPageSize(512).withDictionaryEncoding(false).build()) {
      SimpleGroupFactory g = new SimpleGroupFactory(schema);
      for (int i = 0; i < n; i++) {
        Group row = g.newGroup().append("id", (long) i);
        if (i % 3 != 0) row.append("s", "s" + i);
        if (i % 5 != 0) {
          Group xs = row.addGroup("xs");
          for (int k = 0; k < i % 7; k++) {
            Group e = xs.addGroup("list");
            if (k != 3) e.append("element", (long) i * 10 + k);
          }
        }
        w.write(row);
      }
    }
    try (var footer = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(f))) {
      assertThat(footer.getRowGroups().size()).isGreaterThan(5);
    }
    List<Object[]> rows = Rows.all(TableFiles.open(f, List.of("xs", "id", "s")));
    assertThat(rows).hasSize(n);
    for (int i = 0; i < n; i++) {
      Object[] r = rows.get(i);
      assertThat(r[1]).isEqualTo((long) i);
      assertThat(r[2]).isEqualTo(i % 3 != 0 ? "s" + i : null);
      if (i % 5 == 0) {
        assertThat(r[0]).isNull();
      } else {
        List<Long> expected = new java.util.ArrayList<>();
        for (int k = 0; k < i % 7; k++) expected.add(k != 3 ? (long) i * 10 + k : null);
        assertThat(r[0]).as("row " + i).isEqualTo(expected);
      }
    }
  }

  /** Spark's INT96: nanos of the day, then the Julian day, little-endian. */
  private static Binary int96(long micros) {
    long day = Math.floorDiv(micros, 86_400_000_000L);
    long nanos = Math.floorMod(micros, 86_400_000_000L) * 1000;
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(nanos).putInt((int) (day + 2_440_588));
    return Binary.fromConstantByteArray(b.array());
  }

  @Test
  void duckDbReadsLarderFilesWithTheRightTypes() throws Exception {
    Path f = dir.resolve("larder.parquet");
    try (ParquetRowWriter w = new ParquetRowWriter(f, ParquetRoundTripTest.ALL_TYPES)) {
      for (Object[] r : ParquetRoundTripTest.allTypeRows()) w.write(r);
    }
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT typeof(i32), typeof(i64), typeof(s), typeof(ts), epoch_us(ts), "
             + "typeof(f64s), len(ss), s FROM '" + f + "' LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("INTEGER");
      assertThat(rs.getString(2)).isEqualTo("BIGINT");
      assertThat(rs.getString(3)).isEqualTo("VARCHAR");
      assertThat(rs.getString(4)).isEqualTo("TIMESTAMP WITH TIME ZONE");
      assertThat(rs.getLong(5)).isEqualTo(1_700_000_000_123_456L);
      assertThat(rs.getString(6)).isEqualTo("DOUBLE[]");
      assertThat(rs.getInt(7)).isEqualTo(2);
      assertThat(rs.getString(8)).isEqualTo("héllo, \"world\"");
    }
  }
}
