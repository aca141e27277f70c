package dev.larder.offline;

import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens a {@link RowWriter}: CSV for a user's {@code *.csv} file, otherwise Parquet (ZSTD). */
public final class RowWriters {
  private RowWriters() {}

  public static RowWriter create(Path file, RowSchema schema) throws IOException {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
        ? new CsvRowWriter(file, schema)
        : parquet(file, schema);
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
