package dev.larder.materialize;

import dev.larder.core.v1.FeatureView;
import dev.larder.offline.ViewHistory;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.value.RowReader;
import java.io.IOException;

/**
 * Where materialization reads a view's history rows from: columns join keys..., event_timestamp,
 * created_timestamp, then the features in view order. Production reads the offline store and sources
 * through {@link ViewHistory}; tests pass rows they build in memory.
 */
@FunctionalInterface
public interface HistorySource {
  /** Rows of {@code view} whose event timestamp lies in {@code [startMicros, endMicros]}. */
  RowReader open(Catalog catalog, FeatureView view, long startMicros, long endMicros) throws IOException;

  static HistorySource offline(ProjectConfig config) {
    return (catalog, view, start, end) -> ViewHistory.open(catalog, view, config, start, end);
  }
}
