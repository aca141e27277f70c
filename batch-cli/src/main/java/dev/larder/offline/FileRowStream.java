package dev.larder.offline;

import dev.larder.value.RowReader;

/**
 * A row stream over a sequence of files that can say where its last row came from as a file prefix and a
 * number, cheaply, so that {@link PrefetchRows} can keep exact positions for rows it decoded ahead.
 */
interface FileRowStream extends RowReader {
  /** Position of the last row without its number, e.g. {@code events/a.parquet row }. */
  String positionPrefix();

  /** The last row's number in its file (Parquet) or the line it started on (CSV). */
  long ordinal();
}
