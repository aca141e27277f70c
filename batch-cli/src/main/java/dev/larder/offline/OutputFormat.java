package dev.larder.offline;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The format of a table file a user names ({@code training-set --out}, {@code sample labels --out}), chosen by
 * its extension. An extension Larder cannot write is refused rather than silently written as Parquet, so that
 * {@code --out x.json} does not produce a Parquet file called x.json.
 */
public enum OutputFormat {
  PARQUET, CSV;

  /**
   * The format for {@code file}: CSV for {@code .csv}, Parquet for {@code .parquet} or {@code .parq} or a name
   * without extension.
   *
   * @throws IllegalArgumentException naming the file and the supported extensions for any other extension
   */
  public static OutputFormat of(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return switch (ext) {
      case "csv" -> CSV;
      case "parquet", "parq", "" -> PARQUET;
      default -> throw new IllegalArgumentException(file + ": cannot write ." + ext + " files; name the output "
          + "*.parquet (Parquet) or *.csv (CSV)");
    };
  }
}
