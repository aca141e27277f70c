package dev.larder.offline;

import java.nio.file.Path;
import org.apache.parquet.io.LocalInputFile;

/**
 * A local file as parquet-java's {@code InputFile} that remembers its path, so that code taking files of any
 * storage keeps the local reader and its detailed messages (which sniff the file) for local files.
 */
final class PathInputFile extends LocalInputFile {
  final Path path;

  PathInputFile(Path path) {
    super(path);
    this.path = path;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
