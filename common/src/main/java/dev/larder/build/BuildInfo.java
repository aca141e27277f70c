package dev.larder.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit this code was built from, written into {@code build.properties} by the build, so
 * that {@code larder --version} and {@code larder-server --version} print the same thing and a bug report names
 * the exact code. A build without git metadata (a source tarball) reports the commit as "unknown".
 *
 * @param version the Maven project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the abbreviated commit id, or {@code unknown}
 * @param dirty whether the working tree had uncommitted changes when built
 */
public record BuildInfo(String version, String commit, boolean dirty) {
  public static final String UNKNOWN = "unknown";

  private static final BuildInfo CURRENT = load();

  /** The build of the running code. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /** One line for {@code --version}: {@code <program> <version> (commit <id>[, modified])}. */
  public String describe(String program) {
    return program + " " + version + " (commit " + commit + (dirty ? ", with uncommitted changes" : "") + ")";
  }

  private static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // an unreadable resource is the same as a missing one: unknown
    }
    return of(p);
  }

  /** The build described by {@code p}; missing or unfilled ({@code ${...}}) values are unknown. */
  static BuildInfo of(Properties p) {
    return new BuildInfo(value(p, "version"), value(p, "commit"), "true".equals(p.getProperty("dirty")));
  }

  private static String value(Properties p, String key) {
    String v = p.getProperty(key, "").trim();
    return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
  }
}
