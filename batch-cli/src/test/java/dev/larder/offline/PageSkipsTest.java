package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan for a time range over a file written in time order does not read the pages whose rows all lie
 * outside the range ({@link PageSkips}), and still gives what the full scan gives: the same rows in range,
 * the same row numbers, and every null join key or timestamp, also outside the range. That the pages are
 * not read is shown by breaking one of them: the full scan then fails, the range scan does not.
 */
class PageSkipsTest {
  private static final long START = 1_780_000_000_000L; // millis
  private static final long MINUTE = 60_000L;
  private static final int ROWS = 3000;
  private static final List<String> COLUMNS = List.of("user_id", "event_timestamp", "event_type", "amount");

  @TempDir Path dir;

  @Test
  void aRangeScanGivesWhatTheFullScanGivesForEveryRange() throws IOException {
    write(dir.resolve("data/events/part-0.parquet"));
    long[][] ranges = {
        {micros(2000), micros(2600)}, // pages before and after, and a page cut by each edge
        {micros(2100), micros(2200)}, // exactly one page's times
        {micros(0), micros(ROWS)},   // everything
        {micros(ROWS + 10), micros(ROWS + 20)}, // nothing: every page passed over
        {Long.MIN_VALUE, micros(150)}};
    for (long[] r : ranges) {
      assertThat(scan(r[0], r[1])).as("range %s..%s", r[0], r[1]).isEqualTo(fullScan(r[0], r[1]));
    }
    assertThat(scan(micros(2000), micros(2600))).filteredOn(s -> s.startsWith("in range")).hasSize(600);
  }

  @Test
  void pagesOutsideTheRangeAreNotReadButPagesWithNullKeysAre() throws IOException {
    Path file = dir.resolve("data/events/part-0.parquet");
    write(file);
    List<String> before = scan(micros(2000), micros(2600));
    breakPage(file, "event_timestamp", 3); // rows 300-399, long before the range
    breakPage(file, "user_id", 3);
    assertThatThrownBy(() -> fullScan(micros(2000), micros(2600))).isInstanceOf(IOException.class)
        .hasMessageContaining("part-0.parquet");
    List<String> after = scan(micros(2000), micros(2600));
    assertThat(after).isEqualTo(before)
        .contains("null key at data/events/part-0.parquet row 1001", "null time at data/events/part-0.parquet row 1201");
    assertThat(after.get(after.size() - 1)).isEqualTo("rows " + ROWS);
  }

  /** Rows a minute apart, in time order: one null key at row 1001 and one null time at row 1201 (1-based). */
  private static void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    MessageType schema = MessageTypeParser.parseMessageType("""
        message events {
          optional int64 user_id;
          optional int64 event_timestamp (TIMESTAMP(MILLIS,true));
          optional binary event_type (STRING);
          optional double amount;
        }
        """);
    String[] types = {"view", "click", "purchase"};
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
        .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.ZSTD)
        .withPageRowCountLimit(100).withRowGroupRowCountLimit(1700).withDictionaryEncoding(true).build()) {
      SimpleGroupFactory g = new SimpleGroupFactory(schema);
      for (int i = 0; i < ROWS; i++) {
        Group row = g.newGroup();
        if (i != 1000) {
          row.append("user_id", (long) (i % 37));
        }
        if (i != 1200) {
          row.append("event_timestamp", START + i * MINUTE);
        }
        row.append("event_type", types[i % 3]);
        if (i % 5 != 0) {
          row.append("amount", i / 10.0);
        }
        w.write(row);
      }
    }
  }

  private static long micros(int row) {
    return (START + row * MINUTE) * 1000;
  }

  private List<String> scan(long from, long until) throws IOException {
    return collect(SourceColumns.open(source(), dir, COLUMNS, 1, from, until, 1).orElseThrow(), from, until);
  }

  private List<String> fullScan(long from, long until) throws IOException {
    return collect(SourceColumns.open(source(), dir, COLUMNS).orElseThrow(), from, until);
  }

  /** What a compute takes from a scan: null keys and times anywhere, the rows in range, the row count. */
  private static List<String> collect(SourceColumns columns, long from, long until) throws IOException {
    List<String> out = new ArrayList<>();
    long rows = 0;
    try (columns) {
      for (SourceColumns.Batch b; (b = columns.next()) != null; ) {
        for (int r = 0; r < b.size(); r++) {
          if (b.nulls[0][r]) {
            out.add("null key at " + b.position(r));
          } else if (b.nulls[1][r]) {
            out.add("null time at " + b.position(r));
          } else if (b.raw[1][r] >= from && b.raw[1][r] < until) {
            out.add("in range " + b.position(r) + ": " + b.raw[0][r] + " " + b.raw[1][r] + " " + b.string(2, r)
                + " " + (b.nulls[3][r] ? "null" : Double.longBitsToDouble(b.raw[3][r])));
          }
        }
        rows += b.size();
      }
    }
    out.add("rows " + rows);
    return out;
  }

  private static Source source() {
    return Source.newBuilder().setName("events").setPath("data/events").setTimestampField("event_timestamp")
        .build();
  }

  /** Overwrites the header of page {@code page} of the column's first chunk, so that reading it fails. */
  private static void breakPage(Path file, String column, int page) throws IOException {
    long offset;
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      ColumnChunkMetaData chunk = r.getFooter().getBlocks().get(0).getColumns().stream()
          .filter(c -> c.getPath().toDotString().equals(column)).findFirst().orElseThrow();
      offset = r.readOffsetIndex(chunk).getOffset(page);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
          (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}), offset);
    }
  }
}
