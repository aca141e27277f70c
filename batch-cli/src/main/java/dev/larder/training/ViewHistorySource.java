package dev.larder.training;

import dev.larder.core.v1.FeatureView;
import dev.larder.offline.RawHistory;
import dev.larder.offline.ViewHistory;
import dev.larder.join.HistorySource;
import dev.larder.join.RawBatches;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.Optional;

/**
 * A view's history for the point-in-time join: {@link ViewHistory} rows, and for views whose columns are all
 * fixed-width, {@link RawHistory}'s primitive column batches, which spare boxing every value of tens of
 * millions of snapshot rows.
 */
final class ViewHistorySource implements HistorySource {
  private final Catalog catalog;
  private final FeatureView view;
  private final ProjectConfig config;

  ViewHistorySource(Catalog catalog, FeatureView view, ProjectConfig config) {
    this.catalog = catalog;
    this.view = view;
    this.config = config;
  }

  @Override
  public RowReader open(long fromEventTs, long toEventTs) throws IOException {
    return ViewHistory.open(catalog, view, config, fromEventTs, toEventTs);
  }

  @Override
  public RawBatches openRaw(long fromEventTs, long toEventTs) throws IOException {
    Optional<RawHistory> raw = RawHistory.open(catalog, view, config, fromEventTs, toEventTs);
    return raw.isEmpty() ? null : new Batches(raw.get());
  }

  private static final class Batches implements RawBatches {
    private final RawHistory history;
    private RawHistory.Batch batch;

    Batches(RawHistory history) {
      this.history = history;
    }

    @Override
    public RowSchema schema() {
      return history.schema();
    }

    @Override
    public int next() throws IOException {
      batch = history.next();
      return batch == null ? 0 : batch.size();
    }

    @Override
    public long[][] raw() {
      return batch.raw;
    }

    @Override
    public boolean[][] nulls() {
      return batch.nulls;
    }

    @Override
    public void close() {
      history.close();
    }
  }
}
