package dev.larder.compute;

import static dev.larder.compute.TestRepo.DAY;
import static dev.larder.compute.TestRepo.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.FeatureView;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar event reader ({@link ColumnarEvents}) against the row path ({@link SourceEvents}) on the same
 * files: the same events (keys, times, projected values, in the same order), the same count of good rows,
 * the same bad-row counts and the same first bad-row message. Files cover what writers vary: dictionary or
 * plain pages (and the fallback from one to the other inside a chunk), v1 and v2 data pages with their
 * encodings (delta, RLE dictionary), several row groups and pages, nulls in every column, a time range that
 * cuts through the data, and a file written by DuckDB.
 */
class ColumnarEventsTest {
  @TempDir Path dir;

  static final String VIEW = """
      project: "shop"
      entities { name: "user" join_keys { name: "user_id" type: %s } }
      sources { name: "events" path: "data/events" timestamp_field: "event_timestamp" }
      feature_views {
        name: "activity" entities: "user" source: "events"
        features { name: "purchases" type: INT64
                   aggregation { function: COUNT filter: "event_type = 'purchase'" window: "7d" } }
        features { name: "spend" type: DOUBLE
                   aggregation { function: SUM column: "amount" filter: "event_type IN ('purchase', 'refund') AND amount > 1" window: "30d" } }
        features { name: "last_type" type: STRING
                   aggregation { function: LAST column: "event_type" window: "30d" } }
        features { name: "items" type: INT64
                   aggregation { function: COUNT_DISTINCT column: "item_id" filter: "event_type IS NULL OR event_type != 'view'" window: "30d" } }
        features { name: "quantity" type: INT64
                   aggregation { function: SUM column: "qty" filter: "qty >= 2 OR score < 0.5" window: "30d" } }
        features { name: "best" type: FLOAT
                   aggregation { function: MAX column: "score" window: "30d" } }
        features { name: "unflagged" type: INT64
                   aggregation { function: COUNT filter: "NOT flag" window: "1d" } }
        features { name: "flag_last" type: BOOL
                   aggregation { function: LAST column: "flag" window: "30d" } }
      }
      """;

  static final String SCHEMA = """
      message events {
        optional %s user_id%s;
        optional int64 event_timestamp (TIMESTAMP(MICROS,true));
        optional binary event_type (STRING);
        optional double amount;
        optional int64 item_id;
        optional int32 qty;
        optional float score;
        optional boolean flag;
      }
      """;

  /** How a file is written. */
  record Layout(boolean dictionary, ParquetProperties.WriterVersion version, int rowGroupBytes, int pageBytes,
                CompressionCodecName codec) {}

  @Test
  void dictionaryPagesInSeveralRowGroupsGiveTheRowPathsEvents() throws Exception {
    assertSameEvents(true, new Layout(true, ParquetProperties.WriterVersion.PARQUET_1_0, 32 * 1024, 2048,
        CompressionCodecName.ZSTD), 5000);
  }

  @Test
  void plainPagesGiveTheRowPathsEvents() throws Exception {
    assertSameEvents(false, new Layout(false, ParquetProperties.WriterVersion.PARQUET_1_0, 64 * 1024, 1024,
        CompressionCodecName.UNCOMPRESSED), 4000);
  }

  @Test
  void version2PagesWithDeltaEncodingsGiveTheRowPathsEvents() throws Exception {
    assertSameEvents(true, new Layout(false, ParquetProperties.WriterVersion.PARQUET_2_0, 32 * 1024, 1024,
        CompressionCodecName.SNAPPY), 2000);
  }

  @Test
  void version2DictionaryPagesGiveTheRowPathsEvents() throws Exception {
    assertSameEvents(false, new Layout(true, ParquetProperties.WriterVersion.PARQUET_2_0, 32 * 1024, 4096,
        CompressionCodecName.ZSTD), 4000);
  }

  @Test
  void aDictionaryThatOverflowsIntoPlainPagesGivesTheRowPathsEvents() throws Exception {
    // Many distinct event types: the writer's dictionary fills up and it goes on with plain pages.
    assertSameEvents(false, new Layout(true, ParquetProperties.WriterVersion.PARQUET_1_0, 1 << 20, 1024,
        CompressionCodecName.ZSTD), 20000);
  }

  @Test
  void duckDbFilesGiveTheRowPathsEvents() throws Exception {
    writeWithDuckDb(dir.resolve("data/events/part-0.parquet"), 3000);
    ViewJob job = job("INT64");
    for (long[] range : ranges()) {
      assertSame(job, range[0], range[1]);
    }
  }

  @Test
  void filesInTimeOrderWhosePagesAreSkippedGiveTheRowPathsEvents() throws Exception {
    // Events sorted by time, 50 rows a page in every column: a range scan does not read the pages outside
    // its range (PageSkips), except pages holding a null key or time, whose rows must still be reported.
    List<Object[]> rows = new ArrayList<>(events(11, 6000));
    for (int i = 0; i < rows.size(); i++) { // null keys and times in a few rows only: most pages qualify
      Object[] r = rows.get(i);
      r[0] = i % 700 == 3 ? null : r[0] == null ? (long) (i % 200) : r[0];
      r[1] = i % 700 == 353 ? null : r[1] == null ? START + i * 1000L : r[1];
    }
    rows.sort(java.util.Comparator.comparingLong(r -> r[1] == null ? START : (Long) r[1]));
    Layout layout = new Layout(true, ParquetProperties.WriterVersion.PARQUET_1_0, 1 << 20, 1 << 20,
        CompressionCodecName.ZSTD);
    writeFile(dir.resolve("data/events/part-0.parquet"), false, layout, rows.subList(0, 2500), 50);
    writeFile(dir.resolve("data/events/part-1.parquet"), false, layout, rows.subList(2500, rows.size()), 50);
    ViewJob job = job("INT64");
    for (long[] range : ranges()) {
      assertSame(job, range[0], range[1]);
    }
    assertSame(job, START + 39 * DAY, Long.MAX_VALUE); // the last pages only
  }

  @Test
  void theFirstBadRowFailsWithTheSameMessageOnBothPaths() throws Exception {
    writeFile(dir.resolve("data/events/part-0.parquet"), false,
        new Layout(true, ParquetProperties.WriterVersion.PARQUET_1_0, 32 * 1024, 2048, CompressionCodecName.ZSTD),
        events(7, 3000));
    ViewJob job = job("INT64");
    String rows = failure(job, false);
    assertThat(rows).contains("part-0.parquet row ").contains("(pass --on-bad-row skip to skip such rows)");
    assertThat(failure(job, true)).isEqualTo(rows);
  }

  @Test
  void sourcesTheReaderDoesNotCoverAreLeftToTheRowPath() throws Exception {
    // Hive partition folders: their values are columns no file holds.
    writeFile(dir.resolve("data/events/day=1/part-0.parquet"), false,
        new Layout(true, ParquetProperties.WriterVersion.PARQUET_1_0, 32 * 1024, 2048, CompressionCodecName.ZSTD),
        events(3, 500));
    ViewJob job = job("INT64");
    OptionalLong read = ColumnarEvents.read(job, dir, Long.MIN_VALUE, Long.MAX_VALUE, new BadRows(BadRowPolicy.SKIP),
        new Recorder(), n -> { });
    assertThat(read).isEmpty();
    assertThat(SourceEvents.read(job, dir, Long.MIN_VALUE, Long.MAX_VALUE, new BadRows(BadRowPolicy.SKIP),
        new Recorder(), n -> { })).isGreaterThan(300);
  }

  private void assertSameEvents(boolean stringKeys, Layout layout, int count) throws Exception {
    List<Object[]> rows = events(count, count);
    // Two files: rows are numbered per file, and codes are shared across files.
    writeFile(dir.resolve("data/events/part-0.parquet"), stringKeys, layout, rows.subList(0, count / 3));
    writeFile(dir.resolve("data/events/part-1.parquet"), stringKeys, layout, rows.subList(count / 3, rows.size()));
    ViewJob job = job(stringKeys ? "STRING" : "INT64");
    for (long[] range : ranges()) {
      assertSame(job, range[0], range[1]);
    }
  }

  private static List<long[]> ranges() {
    return List.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {START + 10 * DAY, START + 25 * DAY},
        new long[] {START + 3 * DAY + 7, START + 3 * DAY + 8});
  }

  private void assertSame(ViewJob job, long from, long until) throws IOException {
    Recorder rows = new Recorder();
    BadRows rowBad = new BadRows(BadRowPolicy.SKIP);
    long rowCount = SourceEvents.read(job, dir, from, until, rowBad, rows, n -> { });
    Recorder columns = new Recorder();
    BadRows columnBad = new BadRows(BadRowPolicy.SKIP);
    OptionalLong columnCount = ColumnarEvents.read(job, dir, from, until, columnBad, columns, n -> { });
    assertThat(columnCount).as("the columnar reader covers these files").isPresent();
    assertThat(columnCount.getAsLong()).isEqualTo(rowCount);
    assertThat(columnBad.counts()).isEqualTo(rowBad.counts()).isNotEmpty();
    assertThat(columns.events).isEqualTo(rows.events);
    if (from == Long.MIN_VALUE) {
      assertThat(rows.events).hasSizeGreaterThan(100);
    }
  }

  private String failure(ViewJob job, boolean columnar) {
    BadRows fail = new BadRows(BadRowPolicy.FAIL);
    Throwable t = catchThrowable(() -> {
      if (columnar) {
        assertThat(ColumnarEvents.read(job, dir, Long.MIN_VALUE, Long.MAX_VALUE, fail, new Recorder(), n -> { }))
            .isPresent();
      } else {
        SourceEvents.read(job, dir, Long.MIN_VALUE, Long.MAX_VALUE, fail, new Recorder(), n -> { });
      }
    });
    assertThat(t).isInstanceOf(BadRows.BadRowException.class);
    return t.getMessage();
  }

  private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
    return org.assertj.core.api.Assertions.catchThrowable(c);
  }

  private ViewJob job(String keyType) throws IOException {
    ProjectConfig config = TestRepo.create(dir, VIEW.formatted(keyType));
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    return new ViewJob(catalog, catalog.requireView("activity"), dir);
  }

  /** Events in input order as text: key, time, then each projected input (null when absent). */
  static final class Recorder implements EventSink {
    final List<String> events = new ArrayList<>();

    @Override
    public void accept(Object key, long time, Object[] projected) {
      events.add(key.getClass().getSimpleName() + ":" + key + " " + time + " " + Arrays.deepToString(
          Arrays.stream(projected).map(v -> v == null ? null : v.getClass().getSimpleName() + ":" + v).toArray()));
    }
  }

  /** Rows: user, time, type, amount, item, qty, score, flag; about one in twelve cells null, keys and times too. */
  static List<Object[]> events(long seed, int count) {
    Random r = new Random(seed);
    String[] types = {"purchase", "view", "click", "refund"};
    List<Object[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Object[] row = {
          (long) r.nextInt(200),
          START + (long) (r.nextDouble() * 40 * DAY),
          count > 10000 && r.nextInt(3) == 0 ? "type-" + r.nextInt(count) + "-" + "x".repeat(r.nextInt(30))
              : types[r.nextInt(types.length)],
          Math.round(r.nextDouble() * 10000) / 100.0,
          (long) r.nextInt(60),
          r.nextInt(5) - 1,
          r.nextFloat(),
          r.nextBoolean()};
      for (int c = 0; c < row.length; c++) {
        if (r.nextInt(12) == 0) {
          row[c] = null;
        }
      }
      out.add(row);
    }
    return out;
  }

  static void writeFile(Path file, boolean stringKeys, Layout layout, List<Object[]> rows) throws IOException {
    writeFile(file, stringKeys, layout, rows, ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT);
  }

  static void writeFile(Path file, boolean stringKeys, Layout layout, List<Object[]> rows, int pageRows)
      throws IOException {
    Files.createDirectories(file.getParent());
    MessageType schema = MessageTypeParser.parseMessageType(SCHEMA.formatted(
        stringKeys ? "binary" : "int64", stringKeys ? " (STRING)" : ""));
    String[] names = {"user_id", "event_timestamp", "event_type", "amount", "item_id", "qty", "score", "flag"};
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
        .withConf(new PlainParquetConfiguration()).withCompressionCodec(layout.codec())
        .withDictionaryEncoding(layout.dictionary()).withWriterVersion(layout.version())
        .withRowGroupSize(layout.rowGroupBytes()).withPageSize(layout.pageBytes())
        .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE)
        .withDictionaryPageSize(layout.pageBytes() * 4).withPageRowCountLimit(pageRows).build()) {
      SimpleGroupFactory g = new SimpleGroupFactory(schema);
      for (Object[] row : rows) {
        Group group = g.newGroup();
        for (int c = 0; c < names.length; c++) {
          Object v = row[c];
          if (v == null) {
            continue;
          }
          if (c == 0 && stringKeys) {
            group.append(names[c], "u" + v);
          } else if (v instanceof Long l) {
            group.append(names[c], l);
          } else if (v instanceof Integer i) {
            group.append(names[c], i);
          } else if (v instanceof Double d) {
            group.append(names[c], d);
          } else if (v instanceof Float f) {
            group.append(names[c], f);
          } else if (v instanceof Boolean b) {
            group.append(names[c], b);
          } else {
            group.append(names[c], (String) v);
          }
        }
        w.write(group);
      }
    }
  }

  /** The same kind of rows written by DuckDB (its own encodings, dictionary pages for every type). */
  private static void writeWithDuckDb(Path file, int count) throws Exception {
    Files.createDirectories(file.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("COPY (SELECT "
          + "CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 7919) % 150 END::BIGINT AS user_id, "
          + "CASE WHEN i % 89 = 0 THEN NULL ELSE make_timestamp(" + START + " + (i * 104729 % 40) * " + DAY
          + " + i * 1000) END AS event_timestamp, "
          + "CASE WHEN i % 13 = 0 THEN NULL ELSE ['purchase', 'view', 'click', 'refund'][1 + i % 4] END AS event_type, "
          + "CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 1000) / 10.0 END::DOUBLE AS amount, "
          + "CASE WHEN i % 7 = 0 THEN NULL ELSE i % 60 END::BIGINT AS item_id, "
          + "CASE WHEN i % 17 = 0 THEN NULL ELSE i % 5 - 1 END::INTEGER AS qty, "
          + "CASE WHEN i % 19 = 0 THEN NULL ELSE (i % 100) / 100.0 END::FLOAT AS score, "
          + "CASE WHEN i % 23 = 0 THEN NULL ELSE i % 3 = 0 END AS flag "
          + "FROM range(" + count + ") t(i)) TO '" + file + "' (FORMAT parquet, ROW_GROUP_SIZE 1000)");
    }
  }
}
