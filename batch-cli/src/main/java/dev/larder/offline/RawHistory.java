package dev.larder.offline;

import dev.larder.tasks.ReadAhead;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history of a view whose columns are all fixed-width (ints, floats, bools, timestamps) and stored in
 * Parquet, read in batches of primitive columns instead of one {@code Object[]} per row. It holds the same
 * rows, columns and checks as {@link ViewHistory} (which stays the reference and the path for everything
 * else): materialization reads tens of millions of rows, and boxing every value was most of its cost.
 *
 * <p>Values are in raw form, one {@code long} each, as {@link FeatureRowCodec} encodes them. Rows are not
 * filtered by time; the caller does that with the event timestamp column it reads anyway.
 */
public final class RawHistory implements AutoCloseable {
  /** Rows per batch. */
  public static final int BATCH = 4096;

  /** One Parquet file to read: which file column feeds each history column (-1: all null). */
  private record Part(org.apache.parquet.io.InputFile file, String display, List<Column> columns, int[] from, boolean[] floatToDouble) {}

  /** Batches decoded ahead of the caller. */
  private static final int DEPTH = 4;

  private final RowSchema schema;
  private final List<Part> parts;
  private final ReadAhead<Batch> ahead;
  // Used by the reader thread only:
  private final long[][] fileRaw;
  private final boolean[][] fileNulls;
  private final String[][] noStrings;
  private int nextPart;
  private Part part;
  /** The open file: through the page decoders when they cover its columns, else parquet-java's readers. */
  private ParquetColumns columns;
  private ParquetFileRows current;

  private RawHistory(RowSchema schema, List<Part> parts) {
    this.schema = schema;
    this.parts = parts;
    int width = parts.stream().mapToInt(p -> p.columns().size()).max().orElse(0);
    this.fileRaw = new long[width][BATCH];
    this.fileNulls = new boolean[width][BATCH];
    this.noStrings = new String[width][];
    this.ahead = new ReadAhead<>(DEPTH, () -> new Batch(schema.size()), new ReadAhead.Decoder<>() {
      @Override
      public int fill(Batch b) throws IOException {
        b.size = RawHistory.this.fill(b);
        return b.size;
      }

      @Override
      public String where() {
        return part == null ? "" : part.display() + ": ";
      }

      @Override
      public void finish() {
        closeFile();
      }
    }, "larder-read-raw", "view history");
  }

  /**
   * The view's history in {@code [start, end]} as raw columns, or empty when some column is not fixed-width
   * or a file is not a plain Parquet file (CSV, partition folders): then read it through {@link ViewHistory},
   * which also reports the errors (missing files or columns, type mismatches) in its words.
   */
  public static Optional<RawHistory> open(Catalog catalog, FeatureView view, ProjectConfig config, long start,
                                          long end) throws IOException {
    RowSchema schema = OfflineStore.snapshotSchema(catalog, view);
    for (Column c : schema.columns()) {
      if (!FeatureRowCodec.isFixedWidth(c.type())) {
        return Optional.empty();
      }
    }
    List<Part> parts = Catalog.isAggregation(view)
        ? snapshotParts(schema, catalog, config, view, start, end)
        : sourceParts(schema, catalog, view, config);
    if (parts == null) {
      return Optional.empty();
    }
    RawHistory h = new RawHistory(schema, parts);
    for (Part p : parts) { // one footer read per file: ineligible files are found before any row is loaded
      try (ParquetFileRows rows = ParquetFileRows.open(p.file(), p.display(), p.columns())) {
        if (!rows.rawReadable()) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(h);
  }

  /** Snapshot files whose as-of time is in the range; feature columns older snapshots lack read as null. */
  private static List<Part> snapshotParts(RowSchema schema, Catalog catalog, ProjectConfig config, FeatureView view, long start,
                                          long end) throws IOException {
    Path root = config.offlineDir();
    int created = schema.indexOf(OfflineStore.CREATED_TIMESTAMP);
    List<Part> parts = new ArrayList<>();
    for (OfflineStore.Snapshot s : OfflineStore.of(config).snapshots(catalog, view.getName())) {
      if (s.asOf() < start || s.asOf() > end) {
        continue;
      }
      String display = SourceFiles.display(s.file(), root.getParent() == null ? root : root.getParent());
      RowSchema present = ParquetFileRows.schema(s.file(), display);
      List<Column> wanted = new ArrayList<>();
      int[] from = new int[schema.size()];
      for (int i = 0; i < schema.size(); i++) {
        Column c = schema.column(i);
        if (i > created && !present.has(c.name())) {
          from[i] = -1;
          continue;
        }
        from[i] = wanted.size();
        wanted.add(c);
      }
      parts.add(new Part(new PathInputFile(s.file()), display, wanted, from,
          new boolean[schema.size()]));
    }
    return parts;
  }

  /** The source's files, read in the source's types and widened to the view's as {@link ViewHistory} does. */
  private static List<Part> sourceParts(RowSchema schema, Catalog catalog, FeatureView view, ProjectConfig config)
      throws IOException {
    Optional<Source> found = catalog.source(view.getSource());
    if (found.isEmpty() || found.get().getTimestampField().isEmpty() || found.get().hasPush()) {
      return null; // ViewHistory explains (a push view has no offline history yet)
    }
    Source source = found.get();
    List<SourceFiles.DataFile> files = SourceFiles.list(source.getPath(), source.getFormat(), config.repoDir());
    if (files.isEmpty()) {
      return null;
    }
    for (SourceFiles.DataFile f : files) {
      if (f.format() != SourceFiles.Format.PARQUET || !f.partitions().isEmpty()) {
        return null;
      }
    }
    Optional<RowSchema> sourceSchema = SourceReaders.schema(source, config.repoDir());
    if (sourceSchema.isEmpty()) {
      return null;
    }
    Map<String, String> toFile = new HashMap<>();
    source.getFieldMappingMap().forEach((fileName, featureName) -> toFile.put(featureName, fileName));
    Map<String, Integer> distinct = new LinkedHashMap<>();
    List<Column> columns = new ArrayList<>();
    int[] from = new int[schema.size()];
    boolean[] floatToDouble = new boolean[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Column wanted = schema.column(i);
      String name = switch (wanted.name()) {
        case OfflineStore.EVENT_TIMESTAMP -> source.getTimestampField();
        case OfflineStore.CREATED_TIMESTAMP -> source.getCreatedTimestampField();
        default -> wanted.name();
      };
      if (name.isEmpty()) {
        from[i] = -1;
        continue;
      }
      int at = sourceSchema.get().indexOf(name);
      if (at < 0) {
        return null;
      }
      ValueType actual = sourceSchema.get().column(at).type();
      if (!TypeRules.readable(actual, wanted.type()) || !FeatureRowCodec.isFixedWidth(actual)) {
        return null;
      }
      floatToDouble[i] = actual == ValueType.FLOAT && wanted.type() == ValueType.DOUBLE;
      Integer index = distinct.get(name);
      if (index == null) {
        index = columns.size();
        distinct.put(name, index);
        columns.add(new Column(toFile.getOrDefault(name, name), actual));
      }
      from[i] = index;
    }
    List<Part> parts = new ArrayList<>();
    for (SourceFiles.DataFile f : files) {
      parts.add(new Part(f.input(), f.display(), columns, from, floatToDouble));
    }
    return parts;
  }

  /** Columns: join keys..., event_timestamp, created_timestamp, features in view order. */
  public RowSchema schema() {
    return schema;
  }

  /**
   * Rows of history in primitive columns: column c of row r at {@code raw[c][r]}, null when {@code nulls[c][r]}.
   * Valid until the next call of {@link RawHistory#next()}.
   */
  public static final class Batch {
    public final long[][] raw;
    public final boolean[][] nulls;
    private int size;
    private String display;
    private long firstRow;

    private Batch(int columns) {
      raw = new long[columns][BATCH];
      nulls = new boolean[columns][BATCH];
    }

    public int size() {
      return size;
    }

    /** Where row {@code r} came from, for error messages. */
    public String position(int r) {
      return display + " row " + (firstRow + r + 1);
    }
  }

  /**
   * The next batch of rows, or null at the end. The first call starts a thread that decodes the files a few
   * batches ahead, so decoding runs on one core while the caller encodes and sorts on the other.
   */
  public Batch next() throws IOException {
    return ahead.next();
  }

  /** Decodes the next rows into {@code b}; 0 at the end. */
  private int fill(Batch b) throws IOException {
    while (true) {
      if (columns == null && current == null) {
        if (nextPart >= parts.size()) {
          return 0;
        }
        part = parts.get(nextPart++);
        columns = ParquetColumns.open(part.file(), part.display(), part.columns(),
            new StringCodes[part.columns().size()]).orElse(null);
        if (columns == null) {
          current = ParquetFileRows.open(part.file(), part.display(), part.columns());
        }
      }
      b.display = part.display();
      b.firstRow = columns != null ? columns.rowNumber() : current.rowNumber();
      int n = columns != null ? columns.next(fileRaw, fileNulls, noStrings, BATCH)
          : current.nextRaw(fileRaw, fileNulls, BATCH);
      if (n == 0) {
        closeFile();
        continue;
      }
      int[] from = part.from();
      for (int c = 0; c < from.length; c++) {
        if (from[c] < 0) {
          Arrays.fill(b.nulls[c], 0, n, true);
          continue;
        }
        System.arraycopy(fileRaw[from[c]], 0, b.raw[c], 0, n);
        System.arraycopy(fileNulls[from[c]], 0, b.nulls[c], 0, n);
        if (part.floatToDouble()[c]) {
          long[] col = b.raw[c];
          for (int r = 0; r < n; r++) {
            col[r] = Double.doubleToRawLongBits(Float.intBitsToFloat((int) col[r]));
          }
        }
      }
      return n;
    }
  }

  private void closeFile() {
    try { // only one of the two is open
      if (columns != null) {
        columns.close();
      }
      if (current != null) {
        current.close();
      }
    } catch (IOException ignored) {
      // read-only file: nothing is lost
    } finally {
      columns = null;
      current = null;
    }
  }

  @Override
  public void close() {
    ahead.close();
  }
}
