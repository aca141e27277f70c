package dev.larder.offline;

import dev.larder.core.v1.Source;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a table the user names on the command line (entity rows for a training set, labels): a Parquet or
 * CSV file chosen by extension, or a folder of them, with the same rules as a source without a declared
 * schema. In CSV files, a column named {@code event_timestamp} is always read as a timestamp.
 */
public final class TableFiles {
  private TableFiles() {}

  /** Opens the table for {@code columns} (null for all). */
  public static RowReader open(Path fileOrDir, List<String> columns) throws IOException {
    if (!Files.exists(fileOrDir)) {
      throw new IOException(fileOrDir + ": no such file or folder");
    }
    return SourceReaders.open(asSource(fileOrDir), Path.of("."), columns);
  }

  /** The table's columns, or empty if the folder holds no data files. */
  public static Optional<RowSchema> schema(Path fileOrDir) throws IOException {
    return SourceReaders.schema(asSource(fileOrDir), Path.of("."));
  }

  private static Source asSource(Path p) {
    return Source.newBuilder().setName(p.toString()).setPath(p.toAbsolutePath().normalize().toString())
        .setTimestampField("event_timestamp").build();
  }
}
