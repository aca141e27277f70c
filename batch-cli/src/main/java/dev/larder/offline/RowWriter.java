package dev.larder.offline;

import java.io.IOException;
import java.nio.file.Path;

/** A sink for rows in the Java form of {@link dev.larder.value.Values}: a Parquet or a CSV file. */
public interface RowWriter extends AutoCloseable {
  void write(Object[] row) throws IOException;

  /** Rows written so far. */
  long rows();

  Path file();

  @Override
  void close() throws IOException;
}
