package dev.larder.registry;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A feature repository's project file, {@code larder.properties}: the project name and where the registry,
 * the offline store and the online store live. It exists so that the CLI and the server find the same
 * stores from one place; relative paths resolve against the repository directory, and every key has a
 * default so that an empty file works.
 *
 * <p>Keys other than the store locations (for example {@code server.port}) are kept in {@link #settings()}
 * for the component that owns them.
 */
public record ProjectConfig(Path repoDir, String project, Path registryPath, Path offlineDir, Path onlineDir,
                            Map<String, String> settings) {

  public static final String FILE_NAME = "larder.properties";
  public static final String DEFAULT_REGISTRY = "data/registry.pb";
  public static final String DEFAULT_OFFLINE = "data/offline";
  public static final String DEFAULT_ONLINE = "data/online";

  /** Loads {@code DIR/larder.properties}; fails with the file's name when it is missing or unreadable. */
  public static ProjectConfig load(Path repoDir) throws IOException {
    Path dir = repoDir.toAbsolutePath().normalize();
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no project file; run `larder init " + repoDir + "` or pass --repo DIR");
    }
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    }
    Map<String, String> all = new TreeMap<>();
    for (String k : props.stringPropertyNames()) {
      all.put(k, props.getProperty(k).trim());
    }
    String project = all.getOrDefault("project", dir.getFileName().toString());
    return new ProjectConfig(dir, project,
        dir.resolve(all.getOrDefault("registry", DEFAULT_REGISTRY)).normalize(),
        dir.resolve(all.getOrDefault("offline_store", DEFAULT_OFFLINE)).normalize(),
        dir.resolve(all.getOrDefault("online_store", DEFAULT_ONLINE)).normalize(),
        Map.copyOf(all));
  }

  /** The content {@code larder init} writes for a new project. */
  public static String defaultFileContent(String project) {
    return "# Larder project file. Relative paths resolve against this directory.\n"
        + "project=" + project + "\n"
        + "registry=" + DEFAULT_REGISTRY + "\n"
        + "offline_store=" + DEFAULT_OFFLINE + "\n"
        + "online_store=" + DEFAULT_ONLINE + "\n"
        + "\n# larder-server settings (flags and LARDER_* environment variables override them)\n"
        + "# 127.0.0.1 serves this machine only; a production server sets 0.0.0.0 (see docs/security.md)\n"
        + "server.host=127.0.0.1\n"
        + "server.port=6566\n"
        + "server.cache.max_entries=1000000\n"
        + "server.cache.expire_after_write=10m\n"
        + "server.max_entities_per_request=10000\n"
        + "server.metrics_port=9466\n";
  }

  public String setting(String key, String fallback) {
    return settings.getOrDefault(key, fallback);
  }
}
