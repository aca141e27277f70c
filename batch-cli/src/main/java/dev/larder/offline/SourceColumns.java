package dev.larder.offline;

import dev.larder.tasks.ReadAhead;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source's rows in batches of primitive columns, for scans that must not make an object per value
 * ({@code larder compute} reads tens of millions of events). Fixed-width columns come in raw form (one
 * {@code long} per value, see {@link ParquetSlot#raw}); string columns come as {@link StringCodes} codes, one
 * shared {@link String} per distinct value ({@link Batch#string}). Rows, columns, types and their order are those of
 * {@link SourceReaders#open}, which stays the reference and the path for everything this does not cover.
 *
 * <p>A background thread decodes a few batches ahead of the caller. Always close it.
 */
public final class SourceColumns implements AutoCloseable {
  /** Rows per batch. */
  public static final int BATCH = 4096;
  /** Batches decoded ahead of the caller. */
  private static final int DEPTH = 4;

  private final RowSchema schema;
  private final List<SourceFiles.DataFile> files;
  private final List<Column> fileColumns;
  private final StringCodes[] codes;
  private final int rangeColumn;
  private final int flagged;
  private final long from;
  private final long until;
  private final ReadAhead<Batch> ahead;
  // Used by the reader thread only:
  private int nextFile;
  private SourceFiles.DataFile file;
  private ParquetColumns current;

  private SourceColumns(RowSchema schema, List<SourceFiles.DataFile> files, List<Column> fileColumns,
                        int rangeColumn, long from, long until, int flagged) {
    this.rangeColumn = rangeColumn;
    this.flagged = flagged;
    this.from = from;
    this.until = until;
    this.schema = schema;
    this.files = files;
    this.fileColumns = fileColumns;
    this.codes = new StringCodes[schema.size()];
    for (int c = 0; c < codes.length; c++) {
      if (schema.column(c).type() == ValueType.STRING) {
        codes[c] = new StringCodes();
      }
    }
    this.ahead = new ReadAhead<>(DEPTH, () -> new Batch(schema, codes), new ReadAhead.Decoder<>() {
      @Override
      public int fill(Batch b) throws IOException {
        b.size = SourceColumns.this.fill(b);
        return b.size;
      }

      @Override
      public String where() {
        return file == null ? "" : file.display() + ": ";
      }

      @Override
      public void finish() {
        closeFile();
      }
    }, "larder-read-columns", "a source");
  }

  /**
   * The source's {@code columns} (feature-facing names, distinct) as primitive columns, or empty when this
   * reader does not cover the source: a file that is not Parquet, partition folders, a column that is not a
   * fixed-width scalar or a plain string (lists, bytes, decimals, INT96, UUIDs), or a file that cannot be
   * opened for the columns (missing, of another type, unreadable). Callers then read it with
   * {@link SourceReaders#open}, which reports such errors in its words and at the row they occur.
   */
  public static Optional<SourceColumns> open(Source source, Path repoDir, List<String> columns) throws IOException {
    return open(source, repoDir, columns, -1, 0, 0, 0);
  }

  /**
   * Like {@link #open(Source, Path, List)}, for a caller that only needs the values of rows whose column
   * {@code rangeColumn} (an index into {@code columns}; a fixed-width column) is in {@code [from, until)}:
   * other rows come with the null flags of that column and of the first {@code flagged} columns (the join
   * keys), and a value of that column outside the range, but the rest of their values is undefined (they are
   * passed over, not decoded, and whole pages of them are not even read), which halves the work of a
   * one-snapshot compute. -1 for none.
   */
  public static Optional<SourceColumns> open(Source source, Path repoDir, List<String> columns, int rangeColumn,
                                             long from, long until, int flagged) throws IOException {
    List<SourceFiles.DataFile> files = SourceFiles.list(source.getPath(), source.getFormat(), repoDir);
    if (files.isEmpty()) {
      return Optional.empty();
    }
    for (SourceFiles.DataFile f : files) {
      if (f.format() != SourceFiles.Format.PARQUET || !f.partitions().isEmpty()) {
        return Optional.empty();
      }
    }
    Optional<RowSchema> all = SourceReaders.schema(source, repoDir);
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> toFile = new HashMap<>();
    source.getFieldMappingMap().forEach((fileName, featureName) -> toFile.put(featureName, fileName));
    List<Column> out = new ArrayList<>();
    List<Column> fileColumns = new ArrayList<>();
    for (String n : columns) {
      int i = all.get().indexOf(n);
      if (i < 0) {
        return Optional.empty();
      }
      out.add(all.get().column(i));
      fileColumns.add(new Column(toFile.getOrDefault(n, n), all.get().column(i).type()));
    }
    if (rangeColumn >= 0 && out.get(rangeColumn).type() == ValueType.STRING) {
      return Optional.empty();
    }
    SourceColumns s = new SourceColumns(new RowSchema(out), files, fileColumns, rangeColumn, from, until,
        flagged);
    for (SourceFiles.DataFile f : files) { // footers only: ineligible files are found before any row is read
      try {
        Optional<ParquetColumns> columnar = ParquetColumns.open(f.input(), f.display(), fileColumns, s.codes);
        if (columnar.isEmpty()) {
          return Optional.empty();
        }
        columnar.get().close();
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.of(s);
  }

  /** The columns, as {@link SourceReaders#open} would give them. */
  public RowSchema schema() {
    return schema;
  }

  /** The codes of string column {@code c}, null for other columns. */
  public StringCodes codes(int c) {
    return codes[c];
  }

  /**
   * Rows of one file in primitive columns: column c of row r is null when {@code nulls[c][r]}; else its raw
   * value is {@code raw[c][r]}, and for a string column that is its code (-1 for none; see
   * {@link #string}). Valid until the next call of {@link SourceColumns#next()}.
   */
  public static final class Batch {
    public final long[][] raw;
    public final boolean[][] nulls;
    private final String[][] strings;
    private final StringCodes[] codes;
    private int size;
    private String display;
    private long firstRow;

    private Batch(RowSchema schema, StringCodes[] codes) {
      this.codes = codes;
      int n = schema.size();
      raw = new long[n][BATCH];
      nulls = new boolean[n][BATCH];
      strings = new String[n][];
      for (int c = 0; c < n; c++) {
        if (schema.column(c).type() == ValueType.STRING) {
          strings[c] = new String[BATCH];
        }
      }
    }

    public int size() {
      return size;
    }

    /** The value of string column c in row r, which is not null. */
    public String string(int c, int r) {
      int code = (int) raw[c][r];
      return code >= 0 ? codes[c].string(code) : strings[c][r];
    }

    /** Where row {@code r} came from, worded as {@link SourceReaders#open}'s readers word it. */
    public String position(int r) {
      return display + " row " + (firstRow + r + 1);
    }
  }

  /** The next batch, or null at the end; the first call starts the reader thread. */
  public Batch next() throws IOException {
    return ahead.next();
  }

  /** Decodes the next rows (of one file) into {@code b}; 0 at the end. */
  private int fill(Batch b) throws IOException {
    while (true) {
      if (current == null) {
        if (nextFile >= files.size()) {
          return 0;
        }
        file = files.get(nextFile++);
        current = ParquetColumns.open(file.input(), file.display(), fileColumns, codes).orElseThrow(
            () -> new IOException(file.display() + " changed while it was being read"));
        if (rangeColumn >= 0) {
          current.onlyNeed(rangeColumn, from, until, flagged);
        }
      }
      b.display = file.display();
      b.firstRow = current.rowNumber();
      int n = current.next(b.raw, b.nulls, b.strings, BATCH);
      if (n > 0) {
        return n;
      }
      closeFile();
    }
  }

  private void closeFile() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // read-only file: nothing is lost
      }
      current = null;
    }
  }

  @Override
  public void close() {
    ahead.close();
  }
}
