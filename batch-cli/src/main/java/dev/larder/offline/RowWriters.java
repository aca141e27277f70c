package dev.larder.offline;

import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens a {@link RowWriter} for a file the user named: CSV for {@code *.csv}, otherwise Parquet (ZSTD). */
public final class RowWriters {
  private RowWriters() {}

  public static RowWriter create(Path file, RowSchema schema) throws IOException {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
        ? new CsvRowWriter(file, schema)
        : new ParquetRowWriter(file, schema);
  }
}
