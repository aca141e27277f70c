package dev.larder.offline;

import dev.larder.core.v1.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import dev.larder.storage.DataLocation;
import org.apache.parquet.io.InputFile;

/**
 * Turns a source path (a file, a directory read recursively, or a glob) into the sorted list of data files
 * it names, with the Hive-style {@code key=value} folder values of each. Sorting by path makes every run
 * read the same rows in the same order. Files and folders whose names start with '.' or '_' (Spark's
 * {@code _SUCCESS}, checksums, temp folders) are skipped. Symbolic links to files and folders are followed
 * (a data folder linked into a repository is common); a link that leads back into a folder being walked is
 * an error naming it, not an endless walk.
 */
final class SourceFiles {
  /** Spark's and Hive's folder value for a null partition key. */
  static final String HIVE_NULL = "__HIVE_DEFAULT_PARTITION__";

  /** The format of one data file. */
  enum Format { PARQUET, CSV }

  /**
   * One data file, how to show it in messages, and its partition values (null for Hive's null folder); a file
   * on HDFS or S3 has {@code remote} (read through Hadoop's FileSystem) and a null {@code path}.
   */
  record DataFile(Path path, String display, Format format, Map<String, String> partitions, InputFile remote) {
    DataFile(Path path, String display, Format format, Map<String, String> partitions) {
      this(path, display, format, partitions, null);
    }

    /** The file as parquet-java reads it. */
    InputFile input() {
      return remote != null ? remote : new PathInputFile(path);
    }

    /** A new stream over the whole file. */
    java.io.InputStream stream() throws IOException {
      return remote != null ? remote.newStream() : Files.newInputStream(path);
    }
  }

  private SourceFiles() {}

  /** The data files of {@code pathText} (relative to {@code baseDir}), sorted by path. Empty if none exist yet. */
  static List<DataFile> list(String pathText, Source.Format declared, Path baseDir) throws IOException {
    if (pathText == null || pathText.isBlank()) {
      throw new IOException("the source has no path");
    }
    if (DataLocation.isRemote(pathText)) {
      return RemoteSourceFiles.list(location(pathText, baseDir), declared);
    }
    Path base = baseDir.toAbsolutePath().normalize();
    boolean glob = pathText.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    Path root;
    PathMatcher matcher = null;
    if (glob) {
      String abs = base.resolve(pathText).toString();
      root = globRoot(abs);
      matcher = FileSystems.getDefault().getPathMatcher("glob:" + abs);
    } else {
      root = base.resolve(pathText).normalize();
      if (Files.isRegularFile(root)) {
        Format f = formatOf(root, declared);
        if (f == null) {
          throw new IOException(display(root, base) + ": cannot tell the file format; name it *.parquet or *.csv "
              + "or set the source's format");
        }
        return List.of(new DataFile(root, display(root, base), f, Map.of()));
      }
    }
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<DataFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, Integer.MAX_VALUE, FileVisitOption.FOLLOW_LINKS)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList();
      for (Path f : files) {
        Path rel = root.relativize(f);
        if (hidden(rel) || (matcher != null && !matchesSelfOrParent(matcher, f, root))) {
          continue;
        }
        Format format = formatOf(f, declared);
        if (format == null) {
          continue;
        }
        out.add(new DataFile(f, display(f, base), format, partitions(rel)));
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof FileSystemLoopException loop) {
        throw new IOException(display(Path.of(loop.getFile()), base) + ": a symbolic link loops back to a folder"
            + " that contains it; remove the link or point the source at a folder without loops", loop);
      }
      throw e.getCause();
    }
    return out;
  }

  /**
   * Where {@code pathText} leads, for messages: the absolute path, followed by its real location when
   * symbolic links are involved (so that a link to an empty or wrong folder is visible).
   */
  static String resolved(String pathText, Path baseDir) {
    if (DataLocation.isRemote(pathText)) {
      try {
        return location(pathText, baseDir).toString();
      } catch (IOException e) {
        return e.getMessage();
      }
    }
    Path abs = baseDir.toAbsolutePath().normalize().resolve(pathText).normalize();
    try {
      Path real = abs.toRealPath();
      return real.equals(abs) ? abs.toString() : abs + " (-> " + real + ")";
    } catch (IOException e) {
      return abs + " (does not exist)";
    }
  }

  /** The longest leading folder of a glob pattern that holds no wildcard: where the walk starts. */
  private static Path globRoot(String absPattern) {
    Path p = Path.of("/");
    for (String part : absPattern.split("/")) {
      if (part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        break;
      }
      if (!part.isEmpty()) {
        p = p.resolve(part);
      }
    }
    return p;
  }

  private static boolean matchesSelfOrParent(PathMatcher m, Path file, Path root) {
    for (Path p = file; p != null && p.startsWith(root); p = p.getParent()) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hidden(Path rel) {
    for (Path part : rel) {
      String n = part.toString();
      if (n.startsWith(".") || n.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  static DataLocation location(String pathText, Path baseDir) throws IOException {
    try {
      return DataLocation.parse(pathText, baseDir);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage());
    }
  }

  private static Format formatOf(Path f, Source.Format declared) {
    return formatOf(f.getFileName().toString(), declared);
  }

  static Format formatOf(String fileName, Source.Format declared) {
    if (declared == Source.Format.PARQUET) return Format.PARQUET;
    if (declared == Source.Format.CSV) return Format.CSV;
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.endsWith(".parquet") || n.endsWith(".parq") || n.endsWith(".pq")) return Format.PARQUET;
    if (n.endsWith(".csv")) return Format.CSV;
    return null;
  }

  private static Map<String, String> partitions(Path rel) {
    List<String> parts = new ArrayList<>();
    rel.forEach(p -> parts.add(p.toString()));
    return partitions(parts);
  }

  /** Hive partition values of the folders of a relative path given as its parts (the last is the file). */
  static Map<String, String> partitions(List<String> rel) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < rel.size() - 1; i++) {
      String dir = rel.get(i);
      int eq = dir.indexOf('=');
      if (eq > 0) {
        String value = URLDecoder.decode(dir.substring(eq + 1), StandardCharsets.UTF_8);
        out.put(dir.substring(0, eq), value.equals(HIVE_NULL) ? null : value);
      }
    }
    return out;
  }

  static String display(Path f, Path base) {
    return f.startsWith(base) ? base.relativize(f).toString() : f.toString();
  }
}
