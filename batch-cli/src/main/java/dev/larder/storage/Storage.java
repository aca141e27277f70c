package dev.larder.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;

/**
 * Opens Hadoop {@code FileSystem}s for remote {@link DataLocation}s, one per scheme and authority for the life of
 * a command, and turns their failures into errors that name the location and what to check, with secrets
 * removed. Local locations never come here: they keep the plain {@code java.nio} code.
 */
public final class Storage implements AutoCloseable {
  private static volatile Storage shared;

  private final StorageSettings settings;
  private final Map<String, FileSystem> open = new ConcurrentHashMap<>();

  /**
   * The storage of this process. A {@code larder} process runs one command on one repository, and the readers
   * that list a source's files are reached from many engines; one shared instance, set up from the project
   * file when the command loads it ({@link #configure}), saves threading it through every one of them.
   * Without a project (a bare {@code --entities s3a://...}), it uses {@code HADOOP_CONF_DIR} alone.
   */
  public static Storage shared() {
    Storage s = shared;
    if (s == null) {
      synchronized (Storage.class) {
        if (shared == null) {
          shared = new Storage(StorageSettings.of(Map.of()));
        }
        s = shared;
      }
    }
    return s;
  }

  /** Sets the shared storage's settings from a project file's keys; file systems opened before are closed. */
  public static synchronized void configure(Map<String, String> projectSettings) {
    Storage old = shared;
    shared = new Storage(StorageSettings.of(projectSettings));
    if (old != null) {
      try {
        old.close();
      } catch (IOException ignored) {
        // closing idle connections of a replaced configuration
      }
    }
  }

  public Storage(StorageSettings settings) {
    this.settings = settings;
  }

  public StorageSettings settings() {
    return settings;
  }

  /**
   * The file system of a remote location; a new instance (not Hadoop's process-wide cache), so that settings
   * of this command are the ones used.
   *
   * @throws IOException naming the location when the scheme's connector is missing or cannot start
   */
  public FileSystem fileSystem(DataLocation location) throws IOException {
    String key = location.scheme() + "://" + location.uri().getAuthority();
    FileSystem fs = open.get(key);
    if (fs != null) {
      return fs;
    }
    try {
      fs = FileSystem.newInstance(location.uri(), settings.hadoop());
    } catch (IOException | RuntimeException e) {
      throw failure(location, "cannot open its file system", e);
    }
    FileSystem raced = open.putIfAbsent(key, fs);
    if (raced != null) {
      fs.close();
      return raced;
    }
    return fs;
  }

  /** The Hadoop path of a remote location. */
  public static org.apache.hadoop.fs.Path path(DataLocation location) {
    return new org.apache.hadoop.fs.Path(location.uri());
  }

  /**
   * An error for a failed operation on {@code location}: the location (redacted), what was being done, a
   * short reason by kind (not found, access denied, wrong credentials, unreachable) and the system's message
   * with every secret replaced by {@code ***}.
   */
  public IOException failure(DataLocation location, String doing, Throwable cause) {
    // no cause attached: a printed stack trace would show the system's unredacted messages
    return new IOException(settings.redact(location + ": " + doing + ": " + reason(cause)));
  }

  /** A one-line reason for a storage failure, by kind, followed by the first line of its message. */
  static String reason(Throwable e) {
    String all = messages(e);
    String lower = all.toLowerCase(java.util.Locale.ROOT);
    String kind;
    if (lower.contains("nosuchbucket") || lower.contains("bucket does not exist") || lower.contains("unknownstore")) {
      kind = "the bucket does not exist";
    } else if (lower.contains("invalidaccesskeyid") || lower.contains("signaturedoesnotmatch")
        || lower.contains("no aws credentials") || lower.contains("unable to load aws credentials")
        || lower.contains("security token") || lower.contains("expiredtoken")) {
      kind = "the credentials were refused or are missing (set them in the AWS SDK chain: AWS_ACCESS_KEY_ID/"
          + "AWS_SECRET_ACCESS_KEY, a ~/.aws profile or a role; or fs.s3a.* in core-site.xml)";
    } else if (e instanceof AccessDeniedException || hasCause(e, AccessDeniedException.class)
        || lower.contains("accessdenied") || lower.contains("permission denied") || lower.contains("403")) {
      kind = "permission denied";
    } else if (e instanceof FileNotFoundException || hasCause(e, FileNotFoundException.class)) {
      kind = "not found";
    } else if (lower.contains("connection refused") || lower.contains("unknownhost") || lower.contains("unable to execute http")
        || lower.contains("connectexception") || lower.contains("timed out")) {
      kind = "unreachable";
    } else if (lower.contains("no filesystem for scheme")) {
      kind = "no connector for this scheme on the class path";
    } else {
      kind = "failed";
    }
    return kind + " (" + firstLine(all) + ")";
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && b.length() < 4000; t = t.getCause()) {
      b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
    }
    return b.toString();
  }

  private static String firstLine(String s) {
    String line = s.split("\n", 2)[0];
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (FileSystem fs : open.values()) {
      try {
        fs.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
