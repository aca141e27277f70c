package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes rows as RFC 4180 CSV with a header line, in the text forms {@link SourceReaders} reads back:
 * timestamps as ISO-8601 instants, bytes as base64, lists as {@code [..]}, null as an empty cell.
 */
final class CsvRowWriter implements RowWriter {
  private final BufferedWriter out;
  private final Path file;
  private final ValueType[] types;
  private long rows;

  public CsvRowWriter(Path file, RowSchema schema) throws IOException {
    this.file = file;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.types = schema.columns().stream().map(Column::type).toArray(ValueType[]::new);
    for (int i = 0; i < schema.size(); i++) {
      if (i > 0) out.write(',');
      out.write(quote(schema.column(i).name()));
    }
    out.write("\r\n");
  }

  @Override
  public void write(Object[] row) throws IOException {
    for (int i = 0; i < types.length; i++) {
      if (i > 0) out.write(',');
      out.write(quote(TextValues.format(types[i], row[i])));
    }
    out.write("\r\n");
    rows++;
  }

  private static String quote(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return '"' + s.replace("\"", "\"\"") + '"';
      }
    }
    return s;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
