package dev.larder.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration every remote location is opened with, built from the standard places in this
 * order (later wins): Hadoop's defaults and any {@code core-site.xml} on the class path, the
 * {@code core-site.xml} and {@code hdfs-site.xml} of {@code $HADOOP_CONF_DIR}, then the {@code fs.*} keys of
 * the project file. S3 credentials are not a Larder setting: s3a's default provider chain reads
 * {@code fs.s3a.access.key}/{@code secret.key} if set, then the AWS SDK chain (environment variables,
 * {@code ~/.aws} profiles, container and instance roles).
 *
 * <p>{@link #redact} removes every secret value of the configuration from a text, so that an error message
 * that quotes a setting (Hadoop's sometimes do) never shows a key.
 */
public final class StorageSettings {
  /** Keys whose values are secrets (matched on the key's last part). */
  private static final Pattern SECRET_KEY = Pattern.compile(
      ".*(secret|password|token|access\\.key|credential|signature).*", Pattern.CASE_INSENSITIVE);

  private final Configuration conf;
  private final List<String> sources;

  private StorageSettings(Configuration conf, List<String> sources) {
    this.conf = conf;
    this.sources = List.copyOf(sources);
  }

  /** From the environment's {@code HADOOP_CONF_DIR} and the project file's settings. */
  public static StorageSettings of(Map<String, String> projectSettings) {
    return of(System.getenv("HADOOP_CONF_DIR"), projectSettings);
  }

  /** From a Hadoop configuration folder (null or blank: none) and the project file's settings. */
  public static StorageSettings of(String hadoopConfDir, Map<String, String> projectSettings) {
    Configuration conf = new Configuration();
    List<String> sources = new ArrayList<>(List.of("Hadoop defaults"));
    if (hadoopConfDir != null && !hadoopConfDir.isBlank()) {
      for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
        Path f = Path.of(hadoopConfDir).resolve(name);
        if (Files.isRegularFile(f)) {
          conf.addResource(new org.apache.hadoop.fs.Path(f.toUri()));
          sources.add(f.toString());
        }
      }
    }
    int fromProject = 0;
    for (Map.Entry<String, String> e : projectSettings.entrySet()) {
      if (e.getKey().startsWith("fs.")) {
        conf.set(e.getKey(), e.getValue(), "larder.properties");
        fromProject++;
      }
    }
    if (fromProject > 0) {
      sources.add(fromProject + " fs.* key" + (fromProject == 1 ? "" : "s") + " of larder.properties");
    }
    return new StorageSettings(conf, sources);
  }

  /** A copy of the configuration to open file systems with. */
  public Configuration hadoop() {
    return new Configuration(conf);
  }

  /** Where the settings came from, for {@code larder check-storage}. */
  public List<String> sources() {
    return sources;
  }

  /** Whether a configuration key holds a secret. */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  /** {@code text} with the user info of URIs and every secret value of the configuration replaced by {@code ***}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = DataLocation.redact(text);
    for (Map.Entry<String, String> e : conf) {
      String v = e.getValue();
      if (isSecret(e.getKey()) && v != null && v.length() >= 4 && out.contains(v)) {
        out = out.replace(v, "***");
      }
    }
    for (String env : List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID")) {
      String v = System.getenv(env);
      if (v != null && v.length() >= 4) {
        out = out.replace(v, "***");
      }
    }
    return out;
  }
}
