package dev.larder.training;

import dev.larder.core.v1.ValueType;
import dev.larder.offline.TableFiles;
import dev.larder.join.RowSource;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entity rows of a training set: a Parquet or CSV file (or folder) checked, before any work, for the
 * timestamp column and every requested view's join keys with compatible types. Its rows carry the timestamp as
 * a TIMESTAMP; text timestamps (CSV) are parsed here, and a bad one is reported with its file, row and column.
 */
final class EntityTable implements RowSource {
  private final Path file;
  private final RowSchema fileSchema;
  private final RowSchema schema;
  private final int timestamp;

  private EntityTable(Path file, RowSchema fileSchema, int timestamp) {
    this.file = file;
    this.fileSchema = fileSchema;
    this.timestamp = timestamp;
    List<Column> cols = new ArrayList<>(fileSchema.columns());
    cols.set(timestamp, new Column(cols.get(timestamp).name(), ValueType.TIMESTAMP));
    this.schema = new RowSchema(cols);
  }

  /**
   * Checks the file's columns.
   *
   * @param keys every join key the requested views need, with the view that needs it
   * @throws IllegalArgumentException naming the file and column when a column is missing or has the wrong type
   */
  static EntityTable check(Path file, String timestampColumn, List<RequiredKey> keys) throws IOException {
    RowSchema s = TableFiles.schema(file).orElseThrow(
        () -> new IllegalArgumentException(file + ": no Parquet or CSV files with entity rows"));
    int ts = s.indexOf(timestampColumn);
    if (ts < 0) {
      throw new IllegalArgumentException(file + " has no timestamp column '" + timestampColumn + "' (it has: "
          + names(s) + "); name it with --timestamp-column");
    }
    ValueType tsType = s.column(ts).type();
    if (tsType != ValueType.TIMESTAMP && tsType != ValueType.STRING) {
      throw new IllegalArgumentException(file + " column '" + timestampColumn + "' is " + Values.typeName(tsType)
          + "; expected a timestamp (or text such as 2026-11-01T00:00:00Z)");
    }
    for (RequiredKey k : keys) {
      int i = s.indexOf(k.name());
      if (i < 0) {
        throw new IllegalArgumentException(file + " has no column '" + k.name() + "', a join key of feature view '"
            + k.view() + "' (it has: " + names(s) + ")");
      }
      ValueType actual = s.column(i).type();
      if (actual != k.type() && !(actual == ValueType.INT32 && k.type() == ValueType.INT64)) {
        throw new IllegalArgumentException(file + " column '" + k.name() + "' is " + Values.typeName(actual)
            + ", expected " + Values.typeName(k.type()) + " (join key of feature view '" + k.view() + "')");
      }
    }
    return new EntityTable(file, s, ts);
  }

  /** A join key column the entity rows must have. */
  record RequiredKey(String view, String name, ValueType type) {}

  RowSchema schema() {
    return schema;
  }

  @Override
  public RowReader open() throws IOException {
    RowReader in = TableFiles.open(file, null);
    if (!in.schema().equals(fileSchema)) {
      in.close();
      throw new IOException(file + ": columns changed while reading (" + fileSchema + ", now " + in.schema() + ")");
    }
    return new RowReader() {
      @Override
      public RowSchema schema() {
        return schema;
      }

      @Override
      public Object[] next() throws IOException {
        Object[] row = in.next();
        if (row == null) {
          return null;
        }
        Object t = row[timestamp];
        String column = schema.column(timestamp).name();
        if (t == null) {
          throw new IOException(in.position() + ", column '" + column + "': empty; every entity row needs a time");
        }
        if (t instanceof String text) {
          try {
            row[timestamp] = Timestamps.parseMicros(text);
          } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(in.position() + ", column '" + column + "': " + e.getMessage());
          }
        }
        return row;
      }

      @Override
      public String position() {
        return in.position();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  /** The earliest and latest row time, by one pass over the rows; {@code [MAX, MIN]} without rows. */
  long[] timeRange() throws IOException {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    try (RowReader in = open()) {
      for (Object[] row; (row = in.next()) != null; ) {
        long t = (Long) row[timestamp];
        min = Math.min(min, t);
        max = Math.max(max, t);
      }
    }
    return new long[] {min, max};
  }

  private static String names(RowSchema s) {
    return String.join(", ", s.columns().stream().map(Column::name).toList());
  }
}
