package dev.larder.offline;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import dev.larder.value.Column;
import dev.larder.tasks.RowsAhead;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every historical row of any feature view, in one shape: join keys, {@code event_timestamp},
 * {@code created_timestamp} (null when the source has none), then the features in view order. Training sets
 * and materialization read views through this class so that they need not know whether a view's history
 * lives in offline-store snapshots (aggregation views) or in its source (passthrough views).
 */
public final class ViewHistory {
  private ViewHistory() {}

  /** All history rows of the view. */
  public static RowReader open(Catalog catalog, FeatureView view, ProjectConfig config) throws IOException {
    return open(catalog, view, config, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * History rows whose event timestamp is in {@code [start, end]} (micros, inclusive). Aggregation views skip
   * whole snapshot files outside the range.
   */
  public static RowReader open(Catalog catalog, FeatureView view, ProjectConfig config, long start, long end)
      throws IOException {
    return open(catalog, view, config, start, end, -1);
  }

  /**
   * How many parts the view's history has: committed snapshots (aggregation views) or source files (passthrough
   * views). An engine that reads them in parallel (Spark) opens part {@code i} with {@link #openPart}; the parts
   * in order give the rows of {@link #open} in the same order.
   */
  public static int parts(Catalog catalog, FeatureView view, ProjectConfig config) throws IOException {
    if (Catalog.isAggregation(view)) {
      return OfflineStore.of(config).snapshots(catalog, view.getName()).size();
    }
    Source source = catalog.source(view.getSource()).orElseThrow(() -> new IOException(
        "feature view '" + view.getName() + "' names unknown source '" + view.getSource() + "'"));
    return SourceReaders.fileCount(source, config.repoDir());
  }

  /** The history rows of part {@code part} (see {@link #parts}). */
  public static RowReader openPart(Catalog catalog, FeatureView view, ProjectConfig config, int part)
      throws IOException {
    return open(catalog, view, config, Long.MIN_VALUE, Long.MAX_VALUE, part);
  }

  private static RowReader open(Catalog catalog, FeatureView view, ProjectConfig config, long start, long end,
                                int part) throws IOException {
    RowSchema schema = OfflineStore.snapshotSchema(catalog, view);
    boolean push = catalog.isPush(view);
    if (Catalog.isAggregation(view) || push) {
      List<OfflineStore.Snapshot> files = new ArrayList<>();
      List<OfflineStore.Snapshot> all = OfflineStore.of(config).snapshots(catalog, view.getName());
      for (OfflineStore.Snapshot s : part < 0 ? all : List.of(all.get(part))) {
        // A push view's files are its logged pushes (larder push-log): rows of any event time, each file named
        // by when it was logged, so every file is read and the point-in-time rule picks the rows.
        if (push || s.asOf() >= start && s.asOf() <= end) {
          files.add(s);
        }
      }
      SnapshotRows rows = new SnapshotRows(files, schema, config.offlineDir());
      RowReader read = files.isEmpty() ? rows
          : new RowsAhead(rows, "larder-read-" + view.getName(), e -> e instanceof BadCellException);
      return push ? new EventTimeRange(read, schema.indexOf(OfflineStore.EVENT_TIMESTAMP), start, end) : read;
    }
    Source source = catalog.source(view.getSource()).orElseThrow(() -> new IOException(
        "feature view '" + view.getName() + "' names unknown source '" + view.getSource() + "'"));
    if (source.getTimestampField().isEmpty()) {
      throw new IOException("source '" + source.getName() + "' has no timestamp_field; view '" + view.getName()
          + "' needs one to have a history");
    }
    // Source column for each output column ("" for created_timestamp when the source has none).
    List<String> sourceColumns = new ArrayList<>();
    for (Column c : schema.columns()) {
      sourceColumns.add(switch (c.name()) {
        case OfflineStore.EVENT_TIMESTAMP -> source.getTimestampField();
        case OfflineStore.CREATED_TIMESTAMP -> source.getCreatedTimestampField();
        default -> c.name();
      });
    }
    Map<String, Integer> distinct = new LinkedHashMap<>();
    for (String s : sourceColumns) {
      if (!s.isEmpty()) {
        distinct.putIfAbsent(s, distinct.size());
      }
    }
    RowReader in = SourceReaders.open(source, config.repoDir(), List.copyOf(distinct.keySet()), part);
    try {
      int[] from = new int[schema.size()];
      for (int i = 0; i < schema.size(); i++) {
        String s = sourceColumns.get(i);
        from[i] = s.isEmpty() ? -1 : distinct.get(s);
        if (from[i] >= 0) {
          Column actual = in.schema().column(from[i]);
          Column wanted = schema.column(i);
          if (!TypeRules.readable(actual.type(), wanted.type())) {
            throw new IOException("view '" + view.getName() + "': column '" + wanted.name() + "' is "
                + dev.larder.value.Values.typeName(wanted.type()) + " but source '" + source.getName()
                + "' column '" + s + "' is " + dev.larder.value.Values.typeName(actual.type()));
          }
        }
      }
      return new PassthroughRows(in, schema, from, schema.indexOf(OfflineStore.EVENT_TIMESTAMP), start, end);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Source rows reshaped to the history schema, filtered to the time range. */
  private static final class PassthroughRows implements RowReader {
    private final RowReader in;
    private final RowSchema schema;
    private final int[] from;
    private final int eventIndex;
    private final long start;
    private final long end;

    PassthroughRows(RowReader in, RowSchema schema, int[] from, int eventIndex, long start, long end) {
      this.in = in;
      this.schema = schema;
      this.from = from;
      this.eventIndex = eventIndex;
      this.start = start;
      this.end = end;
    }

    @Override
    public RowSchema schema() {
      return schema;
    }

    @Override
    public Object[] next() throws IOException {
      for (Object[] row; (row = in.next()) != null; ) {
        Object[] out = new Object[from.length];
        for (int i = 0; i < from.length; i++) {
          if (from[i] >= 0) {
            out[i] = TypeRules.widen(in.schema().column(from[i]).type(), schema.column(i).type(), row[from[i]]);
          }
        }
        Object ts = out[eventIndex];
        if (ts == null) {
          throw new IOException(in.position() + ": the event timestamp column '"
              + in.schema().column(from[eventIndex]).name() + "' is null");
        }
        long t = (Long) ts;
        if (t >= start && t <= end) {
          return out;
        }
      }
      return null;
    }

    @Override
    public String position() {
      return in.position();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Snapshot files read one after another; feature columns missing from older snapshots read as null. */
  private static final class SnapshotRows implements RowsAhead.Positioned {
    private final List<OfflineStore.Snapshot> files;
    private final RowSchema schema;
    private final java.nio.file.Path root;
    private int next;
    private ParquetFileRows current;
    private int[] from;
    private String prefix = "";

    SnapshotRows(List<OfflineStore.Snapshot> files, RowSchema schema, java.nio.file.Path root) {
      this.files = files;
      this.schema = schema;
      this.root = root;
    }

    @Override
    public RowSchema schema() {
      return schema;
    }

    @Override
    public Object[] next() throws IOException {
      while (true) {
        if (current == null) {
          if (next >= files.size()) {
            return null;
          }
          openSnapshot(files.get(next++));
        }
        Object[] row = current.next();
        if (row == null) {
          current.close();
          current = null;
          continue;
        }
        if (from == null) {
          return row;
        }
        Object[] out = new Object[from.length];
        for (int i = 0; i < from.length; i++) {
          out[i] = from[i] < 0 ? null : row[from[i]];
        }
        return out;
      }
    }

    private void openSnapshot(OfflineStore.Snapshot s) throws IOException {
      String display = SourceFiles.display(s.file(), root.getParent() == null ? root : root.getParent());
      RowSchema present = ParquetFileRows.schema(s.file(), display);
      List<Column> wanted = new ArrayList<>();
      int[] map = new int[schema.size()];
      boolean complete = true;
      for (int i = 0; i < schema.size(); i++) {
        Column c = schema.column(i);
        boolean isFeature = i > schema.indexOf(OfflineStore.CREATED_TIMESTAMP);
        if (!present.has(c.name()) && isFeature) {
          map[i] = -1;
          complete = false;
          continue;
        }
        map[i] = wanted.size();
        wanted.add(c);
      }
      current = ParquetFileRows.open(s.file(), display, wanted);
      prefix = display + " row ";
      from = complete ? null : map;
    }

    @Override
    public String positionPrefix() {
      return prefix;
    }

    @Override
    public long ordinal() {
      return current == null ? 0 : current.rowNumber();
    }

    @Override
    public String position() {
      return current != null ? current.position()
          : next > 0 ? "snapshot " + Timestamps.format(files.get(next - 1).asOf()) : "(no snapshot)";
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
