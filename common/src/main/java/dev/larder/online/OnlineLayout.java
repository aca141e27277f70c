package dev.larder.online;

import dev.larder.disk.AtomicFile;
import dev.larder.disk.Folders;
import dev.larder.disk.StorePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where online data lives on disk, defined once for the materializer, the server and {@code larder online}:
 *
 * <pre>
 *   &lt;online&gt;/&lt;view&gt;/.lock                      held by the materialization run of the view
 *   &lt;online&gt;/&lt;view&gt;/v&lt;version&gt;/CURRENT          the served run id, replaced atomically
 *   &lt;online&gt;/&lt;view&gt;/v&lt;version&gt;/run-&lt;id&gt;/        a complete, immutable RocksDB
 *   &lt;online&gt;/&lt;view&gt;/v&lt;version&gt;/run-&lt;id&gt;.tmp/    spill and SST files of a run in progress
 * </pre>
 *
 * The view and its version are the path, so they act as the key prefix: data of an older, incompatible
 * definition sits in another folder and is never read with the new types.
 */
public final class OnlineLayout {
  private static final Pattern VERSION = Pattern.compile("v(\\d+)");
  private static final Pattern RUN = Pattern.compile("run-(\\d+)(\\.tmp)?");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  public static final String CURRENT = "CURRENT";

  private OnlineLayout() {}

  public static Path viewDir(Path onlineDir, String view) {
    if (!SAFE_NAME.matcher(view).matches()) {
      throw new IllegalArgumentException("view name '" + view + "' cannot be used as a directory name");
    }
    return StorePaths.inside(onlineDir, view);
  }

  public static Path versionDir(Path onlineDir, String view, long viewVersion) {
    return viewDir(onlineDir, view).resolve("v" + viewVersion);
  }

  public static Path runDir(Path versionDir, long runId) {
    return versionDir.resolve("run-" + runId);
  }

  public static Path tmpDir(Path versionDir, long runId) {
    return versionDir.resolve("run-" + runId + ".tmp");
  }

  public static Path lockFile(Path onlineDir, String view) {
    return viewDir(onlineDir, view).resolve(".lock");
  }

  /** The run id CURRENT names, or empty when the view version was never published. */
  public static OptionalLong readCurrent(Path versionDir) throws IOException {
    Path file = versionDir.resolve(CURRENT);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": expected a run id, found '" + text + "'");
    }
  }

  /** Points CURRENT at {@code runId}: temp file, fsync, atomic rename, directory fsync. */
  public static void writeCurrent(Path versionDir, long runId) throws IOException {
    AtomicFile.write(versionDir.resolve(CURRENT), (runId + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** View directories under the online store, by name. */
  public static List<String> views(Path onlineDir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(onlineDir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(onlineDir, Files::isDirectory)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (SAFE_NAME.matcher(name).matches()) {
          out.add(name);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Version numbers that have a folder under the view, ascending. */
  public static List<Long> versions(Path onlineDir, String view) throws IOException {
    return numbered(viewDir(onlineDir, view), VERSION, false);
  }

  /** Ids of complete or partial run folders ({@code run-<id>}) in a version folder, ascending. */
  public static List<Long> runIds(Path versionDir) throws IOException {
    return numbered(versionDir, RUN, false);
  }

  /** Ids of leftover temp folders ({@code run-<id>.tmp}) in a version folder. */
  public static List<Long> tmpIds(Path versionDir) throws IOException {
    return numbered(versionDir, RUN, true);
  }

  private static List<Long> numbered(Path dir, Pattern pattern, boolean tmp) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path p : ds) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (m.matches() && (pattern != RUN || (m.group(2) != null) == tmp)) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Deletes a directory tree; missing is fine. */
  public static void deleteTree(Path dir) throws IOException {
    Folders.deleteTree(dir);
  }

  /** Bytes used by the files under {@code dir}. */
  public static long sizeOnDisk(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (var paths = Files.walk(dir)) {
      long total = 0;
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }
}
