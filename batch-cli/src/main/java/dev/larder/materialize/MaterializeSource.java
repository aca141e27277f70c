package dev.larder.materialize;

import dev.larder.core.v1.FeatureView;
import dev.larder.offline.RawHistory;
import dev.larder.offline.ViewHistory;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.util.Optional;

/**
 * Where materialization reads a view's history rows from: columns join keys..., event_timestamp,
 * created_timestamp, then the features in view order. Production reads the offline store and sources
 * through {@link ViewHistory}, or as primitive columns through {@link RawHistory} when the view allows it;
 * tests pass rows they build in memory.
 */
@FunctionalInterface
interface MaterializeSource {
  /** Rows of {@code view} whose event timestamp lies in {@code [startMicros, endMicros]}. */
  RowReader open(Catalog catalog, FeatureView view, long startMicros, long endMicros) throws IOException;

  /**
   * The same rows as primitive columns, or empty when this source or view cannot provide them; then
   * {@link #open} is used. Callers must filter the time range themselves.
   */
  default Optional<RawHistory> openRaw(Catalog catalog, FeatureView view, long startMicros, long endMicros)
      throws IOException {
    return Optional.empty();
  }

  /** The offline store and sources; {@code raw} false reads every view through {@link ViewHistory}. */
  static MaterializeSource offline(ProjectConfig config, boolean raw) {
    return new MaterializeSource() {
      @Override
      public RowReader open(Catalog catalog, FeatureView view, long start, long end) throws IOException {
        return ViewHistory.open(catalog, view, config, start, end);
      }

      @Override
      public Optional<RawHistory> openRaw(Catalog catalog, FeatureView view, long start, long end)
          throws IOException {
        return raw ? RawHistory.open(catalog, view, config, start, end) : Optional.empty();
      }
    };
  }

  static MaterializeSource offline(ProjectConfig config) {
    return offline(config, true);
  }
}
