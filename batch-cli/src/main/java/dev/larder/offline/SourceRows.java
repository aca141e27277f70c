package dev.larder.offline;

import dev.larder.tasks.RowsAhead;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a list of data files read one after the other as one stream: columns are renamed from file
 * names to feature-facing names, read in the source's types, and partition folder values are filled in.
 * Only one file is open at a time.
 */
final class SourceRows implements RowsAhead.Positioned {
  private final List<SourceFiles.DataFile> files;
  private final RowSchema schema;
  private final String[] fileNames;
  private final boolean[] partition;
  private int nextFile;
  private RowReader current;
  private SourceFiles.DataFile currentFile;
  private int[] fromFile;
  private Object[] constants;
  private boolean identity;
  private String prefix = "";

  /**
   * @param schema the requested columns (feature-facing names) and their types
   * @param fileNames for each requested column, its name in the files
   * @param partitionKeys feature-facing names that come from partition folders
   */
  SourceRows(List<SourceFiles.DataFile> files, RowSchema schema, List<String> fileNames, List<String> partitionKeys) {
    this.files = files;
    this.schema = schema;
    this.fileNames = fileNames.toArray(String[]::new);
    this.partition = new boolean[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      partition[i] = partitionKeys.contains(schema.column(i).name());
    }
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public Object[] next() throws IOException {
    while (true) {
      if (current == null && !openNext()) {
        return null;
      }
      Object[] in = current.next();
      if (in == null) {
        current.close();
        current = null;
        continue;
      }
      if (identity) {
        return in;
      }
      Object[] out = new Object[fromFile.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = fromFile[i] >= 0 ? in[fromFile[i]] : constants[i];
      }
      return out;
    }
  }

  private boolean openNext() throws IOException {
    if (nextFile >= files.size()) {
      return false;
    }
    currentFile = files.get(nextFile++);
    Map<String, Integer> wanted = new LinkedHashMap<>();
    List<Column> fileColumns = new ArrayList<>();
    fromFile = new int[schema.size()];
    constants = new Object[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Column c = schema.column(i);
      if (partition[i]) {
        fromFile[i] = -1;
        String text = currentFile.partitions().get(c.name());
        constants[i] = text == null ? null : partitionValue(c, text);
        continue;
      }
      Integer at = wanted.get(fileNames[i]);
      if (at == null) {
        at = fileColumns.size();
        wanted.put(fileNames[i], at);
        fileColumns.add(new Column(fileNames[i], c.type()));
      }
      fromFile[i] = at;
    }
    identity = fileColumns.size() == fromFile.length;
    for (int i = 0; i < fromFile.length; i++) {
      identity &= fromFile[i] == i;
    }
    prefix = currentFile.display() + (currentFile.format() == SourceFiles.Format.PARQUET ? " row " : " line ");
    current = currentFile.format() == SourceFiles.Format.PARQUET
        ? ParquetFileRows.open(currentFile.input(), currentFile.display(), fileColumns)
        : CsvFileRows.open(currentFile, fileColumns);
    return true;
  }

  private Object partitionValue(Column c, String text) throws IOException {
    if (c.type() == ValueType.STRING) {
      return text;
    }
    try {
      return TextValues.parse(c.type(), text);
    } catch (IllegalArgumentException e) {
      throw new IOException(currentFile.display() + ": partition folder " + c.name() + "=" + text + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String positionPrefix() {
    return prefix;
  }

  @Override
  public long ordinal() {
    return current instanceof ParquetFileRows p ? p.rowNumber() : ((CsvFileRows) current).line();
  }

  @Override
  public String position() {
    return current != null ? current.position() : currentFile != null ? currentFile.display() : "(no file)";
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
