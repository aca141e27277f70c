package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The column-writer path must make files that read back exactly as {@link ParquetRowWriter}'s do: the same
 * schema and values, nulls in every column, several row groups, and readable by DuckDB; also when the rows come
 * as {@link FeatureRowCodec} records.
 */
class FlatParquetWriterTest {
  private static final RowSchema SCHEMA = new RowSchema(List.of(new Column("i32", ValueType.INT32),
      new Column("i64", ValueType.INT64), new Column("f", ValueType.FLOAT), new Column("d", ValueType.DOUBLE),
      new Column("b", ValueType.BOOL), new Column("s", ValueType.STRING), new Column("bytes", ValueType.BYTES),
      new Column("ts", ValueType.TIMESTAMP)));
  /** Records of the schema's columns, as a training set's joined rows come. */
  private static final FeatureRowCodec CODEC =
      new FeatureRowCodec(SCHEMA.columns().stream().map(Column::type).toList());

  @TempDir
  Path dir;

  @Test
  void readsBackLikeTheRowWritersFileAcrossRowGroups() throws IOException {
    List<Object[]> rows = randomRows(20_000, 7);
    Path flat = dir.resolve("flat.parquet");
    Path reference = dir.resolve("row.parquet");
    Path fromRecords = dir.resolve("records.parquet");
    try (FlatParquetWriter w = new FlatParquetWriter(flat, SCHEMA, 64 * 1024);
         FlatParquetWriter e = new FlatParquetWriter(fromRecords, SCHEMA, 64 * 1024);
         ParquetRowWriter r = new ParquetRowWriter(reference, SCHEMA)) {
      for (Object[] row : rows) {
        w.write(row);
        e.write(CODEC.encode(0, 0, row), CODEC);
        r.write(row);
      }
      assertThat(w.rows()).isEqualTo(rows.size());
      assertThat(e.rows()).isEqualTo(rows.size());
    }
    assertThat(TableFiles.schema(flat)).contains(SCHEMA);
    assertSameRows(read(flat), rows);
    assertSameRows(read(flat), read(reference));
    assertSameRows(read(fromRecords), rows);
    try (ParquetFileReader f = ParquetFileReader.open(new LocalInputFile(flat));
         ParquetFileReader g = ParquetFileReader.open(new LocalInputFile(reference))) {
      assertThat(f.getRowGroups()).hasSizeGreaterThan(1);
      assertThat(f.getFooter().getFileMetaData().getSchema()).isEqualTo(g.getFooter().getFileMetaData().getSchema());
    }
  }

  @Test
  void pagesOfEveryNullPatternReadBackExactlyWithTheRowWritersStatistics() throws IOException, SQLException {
    // 70,000 rows in one row group: four pages per column. The null pattern changes every 10,000 rows, so
    // pages hold long runs of nulls and of values, alternating ones, short runs, random ones, only nulls and
    // none: the definition levels take every form of the RLE/bit-packed hybrid. Statistics, encodings, pages
    // and the column index's null counts must be those of the row writer's file.
    List<Object[]> rows = new ArrayList<>();
    Random rnd = new Random(5);
    for (int i = 0; i < 70_000; i++) {
      int pattern = i / 10_000;
      boolean isNull = switch (pattern) {
        case 0 -> false;
        case 1 -> i % 2 == 0;
        case 2 -> (i / 3) % 2 == 0;
        case 3 -> rnd.nextInt(4) == 0;
        case 4 -> true;
        case 5 -> (i / 500) % 2 == 0;
        default -> i % 17 == 0;
      };
      Object[] row = {rnd.nextInt(1000) - 500, rnd.nextLong(), rnd.nextFloat(), rnd.nextGaussian(),
          rnd.nextBoolean(), "v" + rnd.nextInt(9), new byte[] {(byte) i}, 1_700_000_000_000_000L + i};
      for (int c = 0; c < row.length; c++) {
        if (isNull && c != 5 || c == 5 && rnd.nextInt(10) == 0) {
          row[c] = null;
        }
      }
      rows.add(row);
    }
    Path flat = dir.resolve("pages.parquet");
    Path reference = dir.resolve("pages-row.parquet");
    Path fromRecords = dir.resolve("pages-records.parquet");
    try (FlatParquetWriter w = new FlatParquetWriter(flat, SCHEMA);
         FlatParquetWriter e = new FlatParquetWriter(fromRecords, SCHEMA);
         ParquetRowWriter r = new ParquetRowWriter(reference, SCHEMA)) {
      for (Object[] row : rows) {
        w.write(row);
        e.write(CODEC.encode(0, 0, row), CODEC);
        r.write(row);
      }
    }
    assertSameRows(read(flat), rows);
    assertSameRows(read(fromRecords), rows);
    for (Path written : List.of(flat, fromRecords)) {
      try (ParquetFileReader f = ParquetFileReader.open(new LocalInputFile(written));
           ParquetFileReader g = ParquetFileReader.open(new LocalInputFile(reference))) {
        assertThat(f.getRowGroups()).hasSize(1);
        for (int c = 0; c < SCHEMA.size(); c++) {
          var mine = f.getRowGroups().get(0).getColumns().get(c);
          var theirs = g.getRowGroups().get(0).getColumns().get(c);
          String what = written.getFileName() + " " + SCHEMA.column(c).name();
          assertThat(mine.getStatistics()).as(what).isEqualTo(theirs.getStatistics());
          assertThat(mine.getEncodings()).as(what).isEqualTo(theirs.getEncodings());
          assertThat(f.readOffsetIndex(mine).getPageCount()).isEqualTo(g.readOffsetIndex(theirs).getPageCount());
          assertThat(f.readColumnIndex(mine).getNullCounts()).isEqualTo(g.readColumnIndex(theirs).getNullCounts());
        }
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(i32), sum(i32), count(b), sum(b::INT), count(ts) FROM '"
             + flat + "'")) {
      rs.next();
      long i32 = rows.stream().filter(r -> r[0] != null).count();
      assertThat(rs.getLong(1)).isEqualTo(i32);
      assertThat(rs.getLong(2)).isEqualTo(rows.stream().filter(r -> r[0] != null).mapToLong(r -> (Integer) r[0]).sum());
      assertThat(rs.getLong(3)).isEqualTo(rows.stream().filter(r -> r[4] != null).count());
      assertThat(rs.getLong(4)).isEqualTo(rows.stream().filter(r -> r[4] != null && (Boolean) r[4]).count());
      assertThat(rs.getLong(5)).isEqualTo(rows.stream().filter(r -> r[7] != null).count());
    }
  }

  @Test
  void duckDbReadsTheValues() throws IOException, SQLException {
    List<Object[]> rows = randomRows(500, 11);
    Path flat = dir.resolve("duck.parquet");
    try (FlatParquetWriter w = new FlatParquetWriter(flat, SCHEMA)) {
      for (Object[] row : rows) {
        w.write(row);
      }
    }
    long nullStrings = rows.stream().filter(r -> r[5] == null).count();
    long sum = rows.stream().filter(r -> r[1] != null).mapToLong(r -> (Long) r[1]).sum();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE s IS NULL), sum(i64), "
             + "max(epoch_us(ts)) FROM read_parquet('" + flat + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(rows.size());
      assertThat(rs.getLong(2)).isEqualTo(nullStrings);
      assertThat(rs.getLong(3)).isEqualTo(sum);
      assertThat(rs.getLong(4)).isEqualTo(rows.stream().filter(r -> r[7] != null).mapToLong(r -> (Long) r[7])
          .max().orElseThrow());
    }
  }

  @Test
  void aValueOfTheWrongTypeNamesTheColumn() throws IOException {
    try (FlatParquetWriter w = new FlatParquetWriter(dir.resolve("bad.parquet"), SCHEMA)) {
      assertThatThrownBy(() -> w.write(new Object[] {1, "not a number", null, null, null, null, null, null}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("column 'i64' is int64").hasMessageContaining("String");
    }
  }

  @Test
  void listColumnsAreLeftToTheRowWriter() {
    RowSchema lists = new RowSchema(List.of(new Column("tags", ValueType.INT64_LIST)));
    assertThat(FlatParquetWriter.supports(lists)).isFalse();
    assertThat(FlatParquetWriter.supports(SCHEMA)).isTrue();
    assertThatThrownBy(() -> new FlatParquetWriter(dir.resolve("l.parquet"), lists))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Object[]> randomRows(int n, long seed) {
    Random rnd = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[rnd.nextInt(6)];
      rnd.nextBytes(bytes);
      Object[] row = {rnd.nextInt(), rnd.nextLong(), rnd.nextFloat(), rnd.nextGaussian(), rnd.nextBoolean(),
          "v" + rnd.nextInt(50), bytes, 1_700_000_000_000_000L + rnd.nextInt(1_000_000_000)};
      for (int c = 0; c < row.length; c++) {
        if (rnd.nextInt(10) == 0) {
          row[c] = null;
        }
      }
      rows.add(row);
    }
    return rows;
  }

  /** Row by row, naming the first row that differs (a whole-list comparison of 70,000 rows is too slow to fail). */
  private static void assertSameRows(List<Object[]> actual, List<Object[]> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(Arrays.deepToString(actual.get(i))).as("row %d", i).isEqualTo(Arrays.deepToString(expected.get(i)));
    }
  }

  private static List<Object[]> read(Path file) throws IOException {
    List<Object[]> out = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, null)) {
      for (Object[] row = r.next(); row != null; row = r.next()) {
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void aFailedFooterWriteNamesTheFileAndTheSystemsReason() {
    // What parquet-java 1.18.2 throws when the disk fills while it writes the footer (FullDiskIT hits it).
    IOException thrown = new IOException("can not write FileMetaData(version:1, schema:[...], row_groups:[...])",
        new RuntimeException("org.apache.thrift.transport.TTransportException",
            new IOException("No space left on device")));
    IOException reported = FlatParquetWriter.footerFailure(Path.of("/data/offline/v/snap.parquet"), thrown);
    assertThat(reported.getMessage())
        .isEqualTo("/data/offline/v/snap.parquet: cannot finish the Parquet file: No space left on device");
    assertThat(reported.getCause()).isSameAs(thrown);
    IOException plain = new IOException("disk on fire");
    assertThat(FlatParquetWriter.footerFailure(Path.of("x.parquet"), plain)).isSameAs(plain);
  }
}
