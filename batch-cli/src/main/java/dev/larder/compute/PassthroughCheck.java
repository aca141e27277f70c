package dev.larder.compute;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.offline.BadCellException;
import dev.larder.offline.SourceColumns;
import dev.larder.offline.SourceReaders;
import dev.larder.registry.Catalog;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Validates a passthrough view's source without copying it (training sets and materialization read the
 * source directly): the view's columns exist with the declared types, and every row has its join keys and
 * event timestamp, with values that parse. Catches bad data at compute time rather than in a training run.
 */
final class PassthroughCheck {
  private PassthroughCheck() {}

  /** Reads the whole source; returns the number of good rows. */
  static long run(Catalog catalog, FeatureView view, Path repoDir, BadRows bad, LongConsumer progress)
      throws IOException {
    Source source = catalog.source(view.getSource()).orElseThrow(() -> new IOException(
        "feature view '" + view.getName() + "' names unknown source '" + view.getSource() + "'"));
    if (source.getTimestampField().isEmpty()) {
      throw new IOException("source '" + source.getName() + "' has no timestamp_field; view '" + view.getName()
          + "' needs one for point-in-time lookups");
    }
    SourceReaders.requireFiles(source, repoDir);
    List<Field> keys = catalog.joinKeys(view);
    Set<String> names = new LinkedHashSet<>();
    List<ValueType> expected = new ArrayList<>();
    for (Field k : keys) {
      names.add(k.getName());
      expected.add(k.getType());
    }
    names.add(source.getTimestampField());
    expected.add(ValueType.TIMESTAMP);
    for (Feature f : view.getFeaturesList()) {
      if (names.add(f.getName())) {
        expected.add(f.getType());
      }
    }
    Optional<SourceColumns> columnar = SourceColumns.open(source, repoDir, List.copyOf(names));
    if (columnar.isPresent()) {
      try (SourceColumns columns = columnar.get()) {
        checkTypes(view, source, columns.schema(), expected);
        return scan(columns, keys, source.getTimestampField(), bad, progress);
      }
    }
    long good = 0;
    long pending = 0;
    try (RowReader reader = SourceReaders.open(source, repoDir, List.copyOf(names))) {
      checkTypes(view, source, reader.schema(), expected);
      int ts = keys.size();
      while (true) {
        Object[] row;
        try {
          row = reader.next();
        } catch (BadCellException e) {
          bad.report(source.getTimestampField().equals(e.column()) ? BadRows.BAD_TIMESTAMP : BadRows.BAD_VALUE,
              e.getMessage());
          continue;
        }
        if (row == null) {
          break;
        }
        int nullKey = -1;
        for (int i = 0; i < keys.size() && nullKey < 0; i++) {
          nullKey = row[i] == null ? i : -1;
        }
        if (nullKey >= 0) {
          bad.report(BadRows.NULL_KEY, reader.position() + ", column '" + keys.get(nullKey).getName()
              + "': join key is null");
        } else if (row[ts] == null) {
          bad.report(BadRows.NULL_TIMESTAMP, reader.position() + ", column '" + source.getTimestampField()
              + "': event timestamp is null");
        } else {
          good++;
        }
        if (++pending == 65536) {
          progress.accept(pending);
          pending = 0;
        }
      }
    }
    progress.accept(pending);
    return good;
  }

  /**
   * The row path's checks on primitive columns (Parquet sources): the same verdicts and messages, without an
   * object per value. Columns come in the order asked: keys, the timestamp, then the features.
   */
  private static long scan(SourceColumns columns, List<Field> keys, String timestampField, BadRows bad,
                           LongConsumer progress) throws IOException {
    int ts = keys.size();
    long good = 0;
    for (SourceColumns.Batch b; (b = columns.next()) != null; ) {
      long before = good;
      for (int r = 0; r < b.size(); r++) {
        int nullKey = -1;
        for (int i = 0; i < keys.size() && nullKey < 0; i++) {
          nullKey = b.nulls[i][r] ? i : -1;
        }
        if (nullKey >= 0) {
          bad.report(BadRows.NULL_KEY, b.position(r) + ", column '" + keys.get(nullKey).getName()
              + "': join key is null");
        } else if (b.nulls[ts][r]) {
          bad.report(BadRows.NULL_TIMESTAMP, b.position(r) + ", column '" + timestampField
              + "': event timestamp is null");
        } else {
          good++;
        }
      }
      progress.accept(good - before);
    }
    return good;
  }

  private static void checkTypes(FeatureView view, Source source, RowSchema schema, List<ValueType> expected)
      throws IOException {
    for (int i = 0; i < schema.size(); i++) {
      ValueType want = expected.get(i);
      ValueType got = schema.column(i).type();
      if (want != ValueType.VALUE_TYPE_UNSPECIFIED && want != got && !widens(got, want)) {
        throw new IOException("view '" + view.getName() + "': source '" + source.getName() + "' column '"
            + schema.column(i).name() + "' is " + Values.typeName(got) + ", declared " + Values.typeName(want));
      }
    }
  }

  /** The lossless widenings readers apply (int32 to int64, float to double). */
  private static boolean widens(ValueType from, ValueType to) {
    return from == ValueType.INT32 && to == ValueType.INT64 || from == ValueType.FLOAT && to == ValueType.DOUBLE;
  }
}
