package dev.larder.offline;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.tasks.RowsAhead;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link Source}'s rows, whatever its files look like: Parquet or CSV, one file, a folder tree with
 * Hive-style partitions, or a glob. Callers see feature-facing column names (after {@code field_mapping})
 * in the source's types: the declared schema if there is one, else the first file's schema. Every file is
 * checked against that schema as it is opened, so drift is reported with the file and column at fault.
 * Readers decode ahead on a background thread ({@link PrefetchRows}); always close them.
 */
public final class SourceReaders {
  private SourceReaders() {}

  /**
   * Fails when the source's path matches no data file: a run that would read nothing from it (a mistyped
   * path, a folder not yet filled, a link to the wrong place) must say so rather than write empty results.
   *
   * @throws IOException naming the source, its path and the resolved location
   */
  public static void requireFiles(Source source, Path repoDir) throws IOException {
    if (SourceFiles.list(source.getPath(), source.getFormat(), repoDir).isEmpty()) {
      throw new IOException("source '" + source.getName() + "' matches no data files: path '" + source.getPath()
          + "' resolves to " + SourceFiles.resolved(source.getPath(), repoDir)
          + " (data files end in .parquet/.parq/.pq or .csv unless the source sets format; names starting with"
          + " '.' or '_' are skipped)");
    }
  }

  /** The source's columns (feature-facing names), or empty when it has no files yet and no declared schema. */
  public static Optional<RowSchema> schema(Source source, Path repoDir) throws IOException {
    return schema(source, SourceFiles.list(source.getPath(), source.getFormat(), repoDir));
  }

  /**
   * Opens the source for {@code columns} (feature-facing names, in that order; null for all columns).
   *
   * @throws IOException naming the source and column when a column does not exist, or naming the file when
   *     a file cannot be read or does not match the schema
   */
  public static RowReader open(Source source, Path repoDir, List<String> columns) throws IOException {
    return open(source, repoDir, columns, -1);
  }

  /**
   * How many data files the source has now: an engine that reads them in parallel (Spark) reads file
   * {@code i} with {@link #open(Source, Path, List, int)}.
   */
  public static int fileCount(Source source, Path repoDir) throws IOException {
    return SourceFiles.list(source.getPath(), source.getFormat(), repoDir).size();
  }

  /**
   * Opens one data file of the source (index into the source's sorted file list, -1 for all of them), with the
   * columns, types and checks of the whole source, so that reading every file one by one gives exactly the rows
   * of {@link #open(Source, Path, List)} in the same order.
   */
  public static RowReader open(Source source, Path repoDir, List<String> columns, int fileIndex)
      throws IOException {
    List<SourceFiles.DataFile> listed = SourceFiles.list(source.getPath(), source.getFormat(), repoDir);
    if (fileIndex >= listed.size()) {
      throw new IOException("source '" + source.getName() + "' has " + listed.size() + " data files now, not "
          + (fileIndex + 1) + "; it changed while being read");
    }
    List<SourceFiles.DataFile> files = fileIndex < 0 ? listed : List.of(listed.get(fileIndex));
    Optional<RowSchema> full = schema(source, listed);
    if (full.isEmpty()) {
      throw new IOException("source '" + source.getName() + "' has no data files at " + source.getPath()
          + " and no declared schema");
    }
    RowSchema all = full.get();
    List<String> names = columns == null ? all.columns().stream().map(Column::name).toList() : columns;
    Map<String, String> toFile = new HashMap<>();
    source.getFieldMappingMap().forEach((fileName, featureName) -> toFile.put(featureName, fileName));
    List<Column> out = new ArrayList<>();
    List<String> fileNames = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      int i = all.indexOf(n);
      if (i < 0) {
        throw new IOException("source '" + source.getName() + "' has no column '" + n + "' (it has: "
            + String.join(", ", all.columns().stream().map(Column::name).toList()) + ")");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException("column '" + n + "' requested twice");
      }
      out.add(all.column(i));
      fileNames.add(toFile.getOrDefault(n, n));
    }
    SourceRows rows = new SourceRows(files, new RowSchema(out), fileNames, List.copyOf(partitionKeys(listed)));
    return files.isEmpty() ? rows : new RowsAhead(rows, "larder-read-" + source.getName(), e -> e instanceof BadCellException);
  }

  private static Optional<RowSchema> schema(Source source, List<SourceFiles.DataFile> files) throws IOException {
    Set<String> partitions = partitionKeys(files);
    Map<String, Column> cols = new LinkedHashMap<>();
    if (source.getSchemaCount() > 0) {
      for (Field f : source.getSchemaList()) {
        if (f.getType() == ValueType.VALUE_TYPE_UNSPECIFIED) {
          throw new IOException("source '" + source.getName() + "' declares column '" + f.getName() + "' without a type");
        }
        cols.put(f.getName(), new Column(f.getName(), f.getType()));
      }
    } else if (!files.isEmpty()) {
      SourceFiles.DataFile first = files.get(0);
      RowSchema fileSchema = first.format() == SourceFiles.Format.PARQUET
          ? ParquetFileRows.schema(first.input(), first.display())
          : CsvFileRows.schema(first, timestampColumns(source));
      Map<String, String> rename = source.getFieldMappingMap();
      for (Column c : fileSchema.columns()) {
        String name = rename.getOrDefault(c.name(), c.name());
        if (!partitions.contains(name)) {
          cols.put(name, new Column(name, c.type()));
        }
      }
    } else {
      return Optional.empty();
    }
    for (String p : partitions) {
      cols.putIfAbsent(p, new Column(p, ValueType.STRING));
    }
    return Optional.of(new RowSchema(List.copyOf(cols.values())));
  }

  /** The source's time columns, under both their file and feature-facing names. */
  private static Set<String> timestampColumns(Source source) {
    Set<String> out = new HashSet<>();
    for (String t : List.of(source.getTimestampField(), source.getCreatedTimestampField())) {
      if (!t.isEmpty()) {
        out.add(t);
        source.getFieldMappingMap().forEach((file, feature) -> {
          if (feature.equals(t)) out.add(file);
        });
      }
    }
    return out;
  }

  private static Set<String> partitionKeys(List<SourceFiles.DataFile> files) {
    Set<String> keys = new LinkedHashSet<>();
    for (SourceFiles.DataFile f : files) {
      keys.addAll(f.partitions().keySet());
    }
    return keys;
  }
}
