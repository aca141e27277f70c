package dev.larder.join;

import dev.larder.value.RowReader;
import java.io.IOException;

/**
 * The history rows of one feature view. The join passes the range of event times that can matter to its entity
 * rows, so that a source can skip whole files (snapshots) outside it; returning more rows is allowed.
 */
@FunctionalInterface
public interface HistorySource {
  /** Rows whose event timestamp may be in {@code [fromEventTs, toEventTs]} (micros, inclusive). */
  RowReader open(long fromEventTs, long toEventTs) throws IOException;

  /**
   * The same rows as {@link #open} in primitive column batches, or null when the view's columns or files do not
   * allow it (then the join reads {@link #open}).
   */
  default RawBatches openRaw(long fromEventTs, long toEventTs) throws IOException {
    return null;
  }
}
