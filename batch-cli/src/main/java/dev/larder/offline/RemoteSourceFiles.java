package dev.larder.offline;

import dev.larder.core.v1.Source;
import dev.larder.storage.DataLocation;
import dev.larder.storage.Storage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * {@link SourceFiles} for a source on HDFS or S3: the same rules (a file, a folder read recursively, a glob
 * with {@code *}, {@code **}, {@code ?}, {@code [..]} and {@code {..}}; names starting with '.' or '_'
 * skipped; Hive {@code key=value} folders; sorted by path), listed through Hadoop's {@code FileSystem}. One
 * recursive listing per source (on S3 a paged LIST of the prefix, about one request per 1,000 files), and
 * each file is then opened from its listed status, so opening costs no extra metadata request.
 */
final class RemoteSourceFiles {
  private RemoteSourceFiles() {}

  static List<SourceFiles.DataFile> list(DataLocation location, Source.Format declared) throws IOException {
    Storage storage = Storage.shared();
    FileSystem fs = storage.fileSystem(location);
    String pattern = location.uri().getPath();
    boolean glob = pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    String rootPath = glob ? globRoot(pattern) : pattern;
    DataLocation root = location.withPath(rootPath);
    PathMatcher matcher = glob ? FileSystems.getDefault().getPathMatcher("glob:" + pattern) : null;
    var config = storage.settings().hadoop();
    try {
      FileStatus top;
      try {
        top = fs.getFileStatus(Storage.path(root));
      } catch (FileNotFoundException e) {
        return List.of(); // like a local path that does not exist yet
      }
      if (top.isFile() && !glob) {
        SourceFiles.Format f = SourceFiles.formatOf(top.getPath().getName(), declared);
        if (f == null) {
          throw new FormatUnknown(location + ": cannot tell the file format; name it *.parquet or *.csv or set the"
              + " source's format");
        }
        return List.of(new SourceFiles.DataFile(null, location.toString(), f, java.util.Map.of(),
            HadoopInputFile.fromStatus(top, config)));
      }
      List<LocatedFileStatus> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(top.getPath(), true);
      while (it.hasNext()) {
        files.add(it.next());
      }
      files.sort(Comparator.comparing(f -> f.getPath().toUri().getPath()));
      String rootKey = top.getPath().toUri().getPath();
      List<SourceFiles.DataFile> out = new ArrayList<>();
      for (LocatedFileStatus f : files) {
        String key = f.getPath().toUri().getPath();
        String rel = key.length() > rootKey.length() ? key.substring(rootKey.length()).replaceFirst("^/", "") : "";
        List<String> parts = List.of(rel.split("/"));
        if (rel.isEmpty() || parts.stream().anyMatch(p -> p.startsWith(".") || p.startsWith("_"))
            || (matcher != null && !matchesSelfOrParent(matcher, Path.of(key), Path.of(rootKey)))) {
          continue;
        }
        SourceFiles.Format format = SourceFiles.formatOf(f.getPath().getName(), declared);
        if (format == null) {
          continue;
        }
        String display = DataLocation.redact(f.getPath().toString());
        out.add(new SourceFiles.DataFile(null, display, format, SourceFiles.partitions(parts),
            HadoopInputFile.fromStatus(f, config)));
      }
      return out;
    } catch (FormatUnknown e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw storage.failure(location, "cannot list the source's files", e);
    }
  }

  /** A file whose format cannot be told: the user's to fix, not a storage failure. */
  private static final class FormatUnknown extends IOException {
    FormatUnknown(String message) {
      super(message);
    }
  }

  private static String globRoot(String pattern) {
    StringBuilder p = new StringBuilder();
    for (String part : pattern.split("/")) {
      if (part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        break;
      }
      if (!part.isEmpty()) {
        p.append('/').append(part);
      }
    }
    return p.toString();
  }

  private static boolean matchesSelfOrParent(PathMatcher m, Path file, Path root) {
    for (Path p = file; p != null && p.startsWith(root); p = p.getParent()) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }
}
