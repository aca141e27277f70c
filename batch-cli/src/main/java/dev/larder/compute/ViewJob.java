package dev.larder.compute;

import dev.larder.aggregate.AggregateSpec;
import dev.larder.aggregate.Filter;
import dev.larder.aggregate.Inputs;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.SourceReaders;
import dev.larder.registry.Catalog;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One aggregation view resolved against its source: the source columns to read (join keys, the event
 * timestamp, and whatever the aggregations and their filters use), the compiled aggregations, and the
 * snapshot schema. Resolving up front turns definition problems (a missing column, a key of the wrong type)
 * into one clear error before any data is read.
 */
final class ViewJob {
  private final FeatureView view;
  /** The view version the snapshots are computed for: the registry's current one. */
  private final long version;
  private final Source source;
  private final List<String> keyNames;
  private final List<ValueType> keyTypes;
  private final List<String> readColumns;
  private final RowSchema readSchema;
  private final List<AggregateSpec> specs;
  private final Inputs inputs;
  private final RowSchema snapshotSchema;

  ViewJob(Catalog catalog, FeatureView view, Path repoDir) throws IOException {
    this.view = view;
    this.version = catalog.viewVersion(view.getName());
    this.source = catalog.source(view.getSource()).orElseThrow(() -> new IOException(
        "feature view '" + view.getName() + "' names unknown source '" + view.getSource() + "'"));
    if (source.getTimestampField().isEmpty()) {
      throw new IOException("source '" + source.getName() + "' has no timestamp_field; aggregation view '"
          + view.getName() + "' needs event times");
    }
    SourceReaders.requireFiles(source, repoDir);
    RowSchema full = SourceReaders.schema(source, repoDir).orElseThrow(() -> new IOException(
        "source '" + source.getName() + "' has no data files at " + source.getPath() + " and no declared schema"));
    List<Field> keys = catalog.joinKeys(view);
    this.keyNames = keys.stream().map(Field::getName).toList();
    this.keyTypes = keys.stream().map(Field::getType).toList();
    Set<String> read = new LinkedHashSet<>(keyNames);
    read.add(source.getTimestampField());
    for (Feature f : view.getFeaturesList()) {
      String c = f.getAggregation().getColumn();
      if (!c.isEmpty()) {
        read.add(c);
      }
      try {
        read.addAll(Filter.parse(f.getAggregation().getFilter(), full).columns());
      } catch (IllegalArgumentException e) {
        throw new IOException(where(f) + "invalid filter \"" + f.getAggregation().getFilter() + "\": " + e.getMessage(), e);
      }
    }
    this.readColumns = List.copyOf(read);
    List<dev.larder.value.Column> cols = new ArrayList<>();
    for (String c : readColumns) {
      int i = full.indexOf(c);
      if (i < 0) {
        throw new IOException("source '" + source.getName() + "' has no column '" + c + "' (needed by view '"
            + view.getName() + "'); it has " + full.columns().stream().map(dev.larder.value.Column::name).toList());
      }
      cols.add(full.column(i));
    }
    this.readSchema = new RowSchema(cols);
    for (int k = 0; k < keyNames.size(); k++) {
      ValueType actual = readSchema.column(k).type();
      if (actual != keyTypes.get(k)) {
        throw new IOException("source '" + source.getName() + "' column '" + keyNames.get(k) + "' is "
            + Values.typeName(actual) + " but the join key is declared " + Values.typeName(keyTypes.get(k)));
      }
    }
    ValueType ts = readSchema.column(timestampIndex()).type();
    if (ts != ValueType.TIMESTAMP) {
      throw new IOException("source '" + source.getName() + "' timestamp_field '" + source.getTimestampField()
          + "' is " + Values.typeName(ts) + ", expected timestamp");
    }
    List<AggregateSpec> s = new ArrayList<>();
    for (Feature f : view.getFeaturesList()) {
      if (!f.hasAggregation()) {
        throw new IOException(where(f) + "has no aggregation; in an aggregation view every feature needs one");
      }
      try {
        s.add(AggregateSpec.of(f, readSchema));
      } catch (IllegalArgumentException e) {
        throw new IOException("view '" + view.getName() + "' " + e.getMessage(), e);
      }
    }
    this.specs = List.copyOf(s);
    this.inputs = new Inputs(specs);
    this.snapshotSchema = OfflineStore.snapshotSchema(catalog, view);
  }

  private String where(Feature f) {
    return "view '" + view.getName() + "' feature '" + f.getName() + "': ";
  }

  String name() {
    return view.getName();
  }

  long version() {
    return version;
  }

  Source source() {
    return source;
  }

  List<String> readColumns() {
    return readColumns;
  }

  RowSchema readSchema() {
    return readSchema;
  }

  int timestampIndex() {
    return readColumns.indexOf(source.getTimestampField());
  }

  List<String> keyNames() {
    return keyNames;
  }

  List<ValueType> keyTypes() {
    return keyTypes;
  }

  List<AggregateSpec> specs() {
    return specs;
  }

  Inputs inputs() {
    return inputs;
  }

  RowSchema snapshotSchema() {
    return snapshotSchema;
  }

  /** The entity key of a source row (key columns come first), or null when a key value is null. */
  Object key(Object[] row) {
    if (keyNames.size() == 1) {
      return keyPart(row[0]);
    }
    Object[] parts = new Object[keyNames.size()];
    for (int i = 0; i < parts.length; i++) {
      if (row[i] == null) {
        return null;
      }
      parts[i] = keyPart(row[i]);
    }
    return List.of(parts);
  }

  /** Index of the first null key column of the row, or -1. */
  int nullKey(Object[] row) {
    for (int i = 0; i < keyNames.size(); i++) {
      if (row[i] == null) {
        return i;
      }
    }
    return -1;
  }

  /** Byte arrays compare by identity; keys hold them as ByteBuffers, which compare by content. */
  static Object keyPart(Object v) {
    return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
  }

  /** Writes the key's values into the first columns of a snapshot row. */
  void writeKey(Object key, Object[] row) {
    if (keyNames.size() == 1) {
      row[0] = outputPart(key);
      return;
    }
    List<?> parts = (List<?>) key;
    for (int i = 0; i < parts.size(); i++) {
      row[i] = outputPart(parts.get(i));
    }
  }

  private static Object outputPart(Object v) {
    if (v instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    return v;
  }
}
