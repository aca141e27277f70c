package dev.larder.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * A place a batch job reads or writes, as the user wrote it in a definition, the project file or on the command
 * line: a plain path (relative to a base folder), or a {@code file://}, {@code hdfs://} or {@code s3a://} URI.
 * It exists so that every command takes the same forms and so that local paths keep their fast, plain
 * {@code java.nio} code path while other schemes go through Hadoop's {@code FileSystem}.
 *
 * <p>{@link #toString()} never shows the user-info part of a URI ({@code s3a://KEY:SECRET@bucket/} is an old,
 * discouraged form that still reaches logs): it is replaced by {@code ***}.
 *
 * @param uri absolute and normalized; {@code file:} for local paths
 */
public record DataLocation(URI uri) {
  /** The schemes Larder accepts; {@code s3://} and {@code s3n://} are refused with a hint to use {@code s3a://}. */
  public static final Set<String> SCHEMES = Set.of("file", "hdfs", "s3a");

  public DataLocation {
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || !SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(redact(uri.toString()) + ": unsupported scheme; use a path, file://, hdfs://"
          + " or s3a://" + (scheme != null && scheme.startsWith("s3") ? " (Hadoop's S3 connector is s3a://)" : ""));
    }
    if (!scheme.equals("file") && (uri.getAuthority() == null || uri.getAuthority().isEmpty())) {
      throw new IllegalArgumentException(redact(uri.toString()) + ": no " + (scheme.equals("s3a") ? "bucket" : "host")
          + " after " + scheme + "://");
    }
  }

  /**
   * Reads what a user wrote: a URI with a scheme, or a path resolved against {@code baseDir}. A Windows-style
   * {@code C:\} path is a path, not a URI with scheme {@code c}.
   *
   * @throws IllegalArgumentException naming the text (redacted) when it is not a valid location
   */
  public static DataLocation parse(String text, Path baseDir) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an empty location; give a path or a file://, hdfs:// or s3a:// URI");
    }
    int colon = text.indexOf(':');
    boolean hasScheme = colon > 1 && text.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    if (!hasScheme) {
      return of(baseDir.toAbsolutePath().normalize().resolve(text).normalize());
    }
    try {
      if (text.regionMatches(true, 0, "file:", 0, 5)) {
        return of(Path.of(new URI(text)));
      }
      return new DataLocation(uri(text));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IllegalArgumentException(redact(text) + ": not a valid location ("
          + (e instanceof URISyntaxException u ? u.getReason() : e.getMessage()) + ")");
    }
  }

  /**
   * {@code scheme://authority/path} as a URI whose path may hold characters a URI does not allow (glob braces and
   * brackets, spaces, '%'): they are quoted, and {@link URI#getPath()} gives them back as written.
   */
  private static URI uri(String text) throws URISyntaxException {
    int sep = text.indexOf("://");
    if (sep < 0) {
      return new URI(text).normalize();
    }
    int slash = text.indexOf('/', sep + 3);
    String authority = text.substring(sep + 3, slash < 0 ? text.length() : slash);
    String path = slash < 0 ? "" : text.substring(slash);
    return new URI(text.substring(0, sep), authority.isEmpty() ? null : authority, path, null, null).normalize();
  }

  /** A local path. */
  public static DataLocation of(Path path) {
    return new DataLocation(path.toAbsolutePath().normalize().toUri());
  }

  /** Whether a string is a URI of a non-local scheme Larder reads through Hadoop (cheap, for branching). */
  public static boolean isRemote(String text) {
    String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
    return t.startsWith("hdfs://") || t.startsWith("s3a://") || t.startsWith("s3://") || t.startsWith("s3n://");
  }

  public String scheme() {
    return uri.getScheme().toLowerCase(Locale.ROOT);
  }

  public boolean isLocal() {
    return scheme().equals("file");
  }

  /** The local path; only for {@link #isLocal()} locations. */
  public Path localPath() {
    if (!isLocal()) {
      throw new IllegalStateException(this + " is not a local path");
    }
    return Path.of(uri);
  }

  /** The location of {@code child} (a relative path with '/' separators) below this one. */
  public DataLocation resolve(String child) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    try {
      return new DataLocation(new URI(uri.getScheme(), uri.getRawAuthority() == null ? null : uri.getAuthority(),
          (path.endsWith("/") ? path : path + "/") + child, null, null).normalize());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(redact(this + "/" + child) + ": not a valid location (" + e.getReason() + ")");
    }
  }

  /** The same scheme and authority with another absolute path (given as written, not quoted). */
  public DataLocation withPath(String absolutePath) {
    try {
      return new DataLocation(new URI(uri.getScheme(), uri.getAuthority(), absolutePath.isEmpty() ? "/" : absolutePath,
          null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(redact(this.toString()) + ": not a valid location (" + e.getReason() + ")");
    }
  }

  /** The URI for messages: user info (keys in the URI) replaced by {@code ***}. */
  @Override
  public String toString() {
    return isLocal() ? localPath().toString()
        : redact(uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getPath() == null ? "" : uri.getPath()));
  }

  /** Replaces the user-info part of any {@code scheme://user:secret@host} in {@code text} by {@code ***}. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    // a key pair (secret keys may hold '/', which then ends the URI's authority early), then plain user info
    return text.replaceAll("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s@:/]*:[^\\s@]*@", "$1***@")
        .replaceAll("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@", "$1***@");
  }
}
