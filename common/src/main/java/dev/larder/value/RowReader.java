package dev.larder.value;

import java.io.IOException;

/**
 * A stream of rows read one at a time, so that no reader holds a whole dataset in the heap. Implemented by
 * source readers (Parquet, CSV), the offline store and spill files.
 */
public interface RowReader extends AutoCloseable {
  RowSchema schema();

  /** The next row (values in the Java form of {@link Values}), or null at the end. The array may be reused
   *  only if the implementation says so; by default each call returns a fresh array. */
  Object[] next() throws IOException;

  /** Where the last returned row came from, for error messages: e.g. {@code events/part-0.parquet row 1234}. */
  String position();

  @Override
  void close() throws IOException;
}
