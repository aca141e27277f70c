package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads rows of one CSV file with a header line, parsing each requested cell to its declared type. An empty
 * cell is null. Errors name the file, the line, the column and what was expected; after a
 * {@link BadCellException} reading can go on with the next line.
 */
final class CsvFileRows implements RowReader {
  /** Rows sampled to infer column types when no schema is declared. */
  static final int INFER_ROWS = 1000;

  private final CsvParser parser;
  private final String display;
  private final RowSchema schema;
  private final int headerWidth;
  private final int[] cells;
  private final ValueType[] types;

  private CsvFileRows(CsvParser parser, String display, RowSchema schema, int headerWidth, int[] cells) {
    this.parser = parser;
    this.display = display;
    this.schema = schema;
    this.headerWidth = headerWidth;
    this.cells = cells;
    this.types = schema.columns().stream().map(Column::type).toArray(ValueType[]::new);
  }

  /**
   * The columns of a CSV file, typed by sampling its first rows (int64, double, bool, timestamp, else
   * string); columns named in {@code timestamps} are always timestamps.
   */
  static RowSchema schema(Path file, String display, Set<String> timestamps) throws IOException {
    return schema(new CsvParser(file, display), display, timestamps);
  }

  static RowSchema schema(SourceFiles.DataFile file, Set<String> timestamps) throws IOException {
    return schema(new CsvParser(file.stream(), file.display()), file.display(), timestamps);
  }

  private static RowSchema schema(CsvParser parser, String display, Set<String> timestamps) throws IOException {
    try (CsvParser p = parser) {
      String[] header = header(p, display);
      List<List<String>> samples = new ArrayList<>();
      for (String ignored : header) {
        samples.add(new ArrayList<>());
      }
      String[] rec;
      for (int n = 0; n < INFER_ROWS && (rec = p.next()) != null; n++) {
        for (int i = 0; i < header.length && i < rec.length; i++) {
          samples.get(i).add(rec[i].trim());
        }
      }
      List<Column> cols = new ArrayList<>();
      for (int i = 0; i < header.length; i++) {
        ValueType t = timestamps.contains(header[i]) ? ValueType.TIMESTAMP : TextValues.infer(samples.get(i));
        cols.add(new Column(header[i], t));
      }
      return new RowSchema(cols);
    }
  }

  /** Opens {@code file} for the given columns; a null type means string. */
  static CsvFileRows open(Path file, String display, List<Column> wanted) throws IOException {
    return open(new CsvParser(file, display), display, wanted);
  }

  static CsvFileRows open(SourceFiles.DataFile file, List<Column> wanted) throws IOException {
    return open(new CsvParser(file.stream(), file.display()), file.display(), wanted);
  }

  private static CsvFileRows open(CsvParser parser, String display, List<Column> wanted) throws IOException {
    CsvParser p = parser;
    try {
      String[] header = header(p, display);
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        if (index.putIfAbsent(header[i], i) != null) {
          throw new IOException(display + " line 1: column '" + header[i] + "' appears twice in the header");
        }
      }
      int[] cells = new int[wanted.size()];
      List<Column> out = new ArrayList<>();
      for (int i = 0; i < wanted.size(); i++) {
        Column c = wanted.get(i);
        Integer at = index.get(c.name());
        if (at == null) {
          throw new IOException(display + " has no column '" + c.name() + "' (it has: " + String.join(", ", header) + ")");
        }
        cells[i] = at;
        out.add(new Column(c.name(), c.type() == null ? ValueType.STRING : c.type()));
      }
      return new CsvFileRows(p, display, new RowSchema(out), header.length, cells);
    } catch (IOException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private static String[] header(CsvParser p, String display) throws IOException {
    String[] header = p.next();
    if (header == null) {
      throw new IOException(display + ": empty CSV file; expected a header line");
    }
    String[] names = Arrays.stream(header).map(String::trim).toArray(String[]::new);
    for (int i = 0; i < names.length; i++) {
      if (names[i].isEmpty()) {
        throw new IOException(display + " line 1: header field " + (i + 1) + " is empty; expected a column name");
      }
    }
    return names;
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public Object[] next() throws IOException {
    String[] rec = parser.next();
    if (rec == null) {
      return null;
    }
    if (rec.length != headerWidth) {
      throw new BadCellException(display + " line " + parser.line() + ": " + rec.length + " fields, expected "
          + headerWidth + " as in the header", null, null);
    }
    Object[] row = new Object[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String text = rec[cells[i]];
      if (text.isEmpty() || (types[i] != ValueType.STRING && text.isBlank())) {
        continue;
      }
      try {
        row[i] = TextValues.parse(types[i], text);
      } catch (IllegalArgumentException e) {
        throw new BadCellException(display + " line " + parser.line() + ", column '" + schema.column(i).name()
            + "': " + e.getMessage(), schema.column(i).name(), e);
      }
    }
    return row;
  }

  long line() {
    return parser.line();
  }

  @Override
  public String position() {
    return display + " line " + parser.line();
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
