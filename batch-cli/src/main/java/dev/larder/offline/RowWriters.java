package dev.larder.offline;

import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a {@link RowWriter} in the file's {@link OutputFormat}: CSV for {@code *.csv}, Parquet (ZSTD) for Parquet. */
public final class RowWriters {
  private RowWriters() {}

  public static RowWriter create(Path file, RowSchema schema) throws IOException {
    return OutputFormat.of(file) == OutputFormat.CSV ? new CsvRowWriter(file, schema) : parquet(file, schema);
  }

  /**
   * A Parquet writer for {@code schema}: through the column writers when every column is a scalar
   * ({@link FlatParquetWriter}), else through parquet-java's record layer ({@link ParquetRowWriter}). Both
   * write the same schema, encodings and codec.
   */
  public static RowWriter parquet(Path file, RowSchema schema) throws IOException {
    return FlatParquetWriter.supports(schema)
        ? new FlatParquetWriter(file, schema) : new ParquetRowWriter(file, schema);
  }
}
