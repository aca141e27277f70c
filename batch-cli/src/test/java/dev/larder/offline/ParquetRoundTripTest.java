package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetRoundTripTest {
  @TempDir Path dir;

  static final RowSchema ALL_TYPES = new RowSchema(List.of(
      new Column("i32", ValueType.INT32), new Column("i64", ValueType.INT64),
      new Column("f32", ValueType.FLOAT), new Column("f64", ValueType.DOUBLE),
      new Column("b", ValueType.BOOL), new Column("s", ValueType.STRING),
      new Column("bytes", ValueType.BYTES), new Column("ts", ValueType.TIMESTAMP),
      new Column("i32s", ValueType.INT32_LIST), new Column("i64s", ValueType.INT64_LIST),
      new Column("f32s", ValueType.FLOAT_LIST), new Column("f64s", ValueType.DOUBLE_LIST),
      new Column("bs", ValueType.BOOL_LIST), new Column("ss", ValueType.STRING_LIST),
      new Column("bytess", ValueType.BYTES_LIST), new Column("tss", ValueType.TIMESTAMP_LIST)));

  static List<Object[]> allTypeRows() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {1, 2L, 1.5f, 2.5, true, "héllo, \"world\"", new byte[] {1, 2, 3}, 1_700_000_000_123_456L,
        List.of(1, 2), List.of(3L), List.of(1f), List.of(2.0, 3.0), List.of(true, false), List.of("a", "b"),
        List.of(new byte[] {9}), List.of(-1_000_000L, 0L)});
    rows.add(new Object[16]); // all null
    rows.add(new Object[] {Integer.MIN_VALUE, Long.MAX_VALUE, Float.NaN, -0.0, false, "", new byte[0], -123L,
        List.of(), Arrays.asList(null, 5L), List.of(), List.of(), List.of(), Arrays.asList("x", null), List.of(),
        List.of()});
    return rows;
  }

  @Test
  void everyTypeRoundTripsWithEveryCodec() throws IOException {
    for (CompressionCodecName codec : List.of(CompressionCodecName.ZSTD, CompressionCodecName.SNAPPY,
        CompressionCodecName.GZIP, CompressionCodecName.LZ4_RAW, CompressionCodecName.UNCOMPRESSED)) {
      Path f = dir.resolve("t-" + codec + ".parquet");
      try (ParquetRowWriter w = new ParquetRowWriter(f, ALL_TYPES, codec)) {
        for (Object[] r : allTypeRows()) w.write(r);
      }
      List<Object[]> back = Rows.all(TableFiles.open(f, null));
      assertThat(Rows.text(back)).as(codec.name()).isEqualTo(Rows.text(allTypeRows()));
      assertThat(TableFiles.schema(f)).contains(ALL_TYPES);
    }
  }

  @Test
  void readsOnlyProjectedColumnsInRequestedOrder() throws IOException {
    Path f = dir.resolve("p.parquet");
    try (ParquetRowWriter w = new ParquetRowWriter(f, ALL_TYPES)) {
      for (Object[] r : allTypeRows()) w.write(r);
    }
    var r = TableFiles.open(f, List.of("s", "i64"));
    assertThat(r.schema()).isEqualTo(new RowSchema(List.of(new Column("s", ValueType.STRING),
        new Column("i64", ValueType.INT64))));
    List<List<Object>> rows = Rows.lists(r);
    assertThat(rows.get(0)).containsExactly("héllo, \"world\"", 2L);
    assertThat(rows.get(1)).containsExactly(null, null);
  }

  @Test
  void aValueOfTheWrongJavaTypeNamesTheColumn() throws IOException {
    RowSchema schema = new RowSchema(List.of(new Column("n", ValueType.INT64)));
    try (ParquetRowWriter w = new ParquetRowWriter(dir.resolve("w.parquet"), schema)) {
      assertThatThrownBy(() -> w.write(new Object[] {5}))
          .hasMessage("column 'n' is int64 but the row holds a Integer (5)");
    } catch (RuntimeException | IOException ignored) {
      // closing a writer whose record failed half-way may fail too; the message above is what matters
    }
  }

  @Test
  void missingColumnNamesTheColumn() throws IOException {
    Path f = dir.resolve("p.parquet");
    try (ParquetRowWriter w = new ParquetRowWriter(f, ALL_TYPES)) {
      w.write(allTypeRows().get(0));
    }
    assertThatThrownBy(() -> TableFiles.open(f, List.of("nope")))
        .hasMessageContaining("no column 'nope'");
  }

  @Test
  void corruptAndTruncatedFilesGiveClearErrors() throws IOException {
    Path f = dir.resolve("good.parquet");
    try (ParquetRowWriter w = new ParquetRowWriter(f, ALL_TYPES)) {
      for (int i = 0; i < 1000; i++) w.write(allTypeRows().get(0));
    }
    byte[] bytes = Files.readAllBytes(f);
    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> Rows.all(TableFiles.open(truncated, null)))
        .isInstanceOf(IOException.class).hasMessageContaining("truncated.parquet")
        .hasMessageContaining("a damaged or truncated Parquet file").hasMessageNotContaining("LocalInputFile@");
    Path garbage = dir.resolve("garbage.parquet");
    Files.writeString(garbage, "this is not parquet at all; just text");
    assertThatThrownBy(() -> TableFiles.schema(garbage))
        .isInstanceOf(IOException.class).hasMessageContaining("garbage.parquet")
        .hasMessageContaining("not a Parquet file: it is text (first line: 'this is not parquet at all; just text')");
    Path flipped = dir.resolve("flipped.parquet");
    byte[] copy = bytes.clone();
    for (int i = 8; i < copy.length / 3; i++) copy[i] ^= 0x5A;
    Files.write(flipped, copy);
    assertThatThrownBy(() -> Rows.all(TableFiles.open(flipped, null)))
        .isInstanceOf(IOException.class).hasMessageContaining("flipped.parquet");
  }
}
