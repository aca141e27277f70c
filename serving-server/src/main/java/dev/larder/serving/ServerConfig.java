package dev.larder.serving;

import dev.larder.registry.ProjectConfig;
import dev.larder.time.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The resolved configuration of one server process. It exists so that wiring code gets typed, validated
 * values and never looks at flags, environment or files itself; {@link #resolve} applies the documented
 * precedence (flag, environment variable, project file, default) and names the source of a bad value.
 */
public record ServerConfig(
    String project,
    Path registryPath,
    Path onlineDir,
    int port,
    int metricsPort,
    long cacheMaxEntries,
    Duration cacheExpireAfterWrite,
    int maxEntitiesPerRequest,
    int maxInboundMessageSize,
    Duration refreshInterval,
    Duration registryPollInterval,
    Duration shutdownGrace,
    boolean directExecutor,
    int threads,
    SecurityConfig security,
    String host,
    int httpPort,
    String metricsHost,
    Path metricsTokensFile) {

  /** The built-in bind address: this machine only, until a deployment says otherwise (docs/security.md). */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The metrics endpoint's default address: loopback, so that it is not reachable from other hosts unasked. */
  public static final String LOOPBACK = "127.0.0.1";

  public ServerConfig {
    if (metricsHost == null || metricsHost.isBlank()) {
      throw new IllegalArgumentException("server.metrics_host must not be empty");
    }
  }

  /** A configuration with security off (plaintext, no tokens). */
  public ServerConfig(String project, Path registryPath, Path onlineDir, int port, int metricsPort,
                      long cacheMaxEntries, Duration cacheExpireAfterWrite, int maxEntitiesPerRequest,
                      int maxInboundMessageSize, Duration refreshInterval, Duration registryPollInterval,
                      Duration shutdownGrace, boolean directExecutor, int threads) {
    this(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries, cacheExpireAfterWrite,
        maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval, shutdownGrace,
        directExecutor, threads, SecurityConfig.OFF);
  }

  /** A configuration listening on {@link #DEFAULT_HOST}, without the HTTP/JSON port. */
  public ServerConfig(String project, Path registryPath, Path onlineDir, int port, int metricsPort,
                      long cacheMaxEntries, Duration cacheExpireAfterWrite, int maxEntitiesPerRequest,
                      int maxInboundMessageSize, Duration refreshInterval, Duration registryPollInterval,
                      Duration shutdownGrace, boolean directExecutor, int threads, SecurityConfig security) {
    this(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries, cacheExpireAfterWrite,
        maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval, shutdownGrace,
        directExecutor, threads, security, DEFAULT_HOST, 0, LOOPBACK, null);
  }

  /** The same configuration with other security settings. */
  public ServerConfig withSecurity(SecurityConfig security) {
    return new ServerConfig(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries,
        cacheExpireAfterWrite, maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval,
        shutdownGrace, directExecutor, threads, security, host, httpPort, metricsHost, metricsTokensFile);
  }

  /** The same configuration with the HTTP/JSON API on {@code httpPort} (0: off). */
  public ServerConfig withHttpPort(int httpPort) {
    return new ServerConfig(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries,
        cacheExpireAfterWrite, maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval,
        shutdownGrace, directExecutor, threads, security, host, httpPort, metricsHost, metricsTokensFile);
  }

  /** The same configuration listening on another address (gRPC and HTTP; metrics has its own). */
  public ServerConfig withHost(String host) {
    return new ServerConfig(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries,
        cacheExpireAfterWrite, maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval,
        shutdownGrace, directExecutor, threads, security, host, httpPort, metricsHost, metricsTokensFile);
  }

  /** The same configuration with another metrics port, address and token file (null: scrapes need no token). */
  public ServerConfig withMetrics(int metricsPort, String metricsHost, Path metricsTokensFile) {
    return new ServerConfig(project, registryPath, onlineDir, port, metricsPort, cacheMaxEntries,
        cacheExpireAfterWrite, maxEntitiesPerRequest, maxInboundMessageSize, refreshInterval, registryPollInterval,
        shutdownGrace, directExecutor, threads, security, host, httpPort, metricsHost, metricsTokensFile);
  }

  /** The socket address of a port on the configured host; the gRPC and HTTP listeners bind through it. */
  public java.net.InetSocketAddress bindAddress(int port) {
    return BindAddress.of(host, port);
  }

  /**
   * Resolves every setting.
   *
   * @param flags settings given on the command line (absent when not given)
   * @param env the process environment (only {@code LARDER_*} variables are read)
   * @param registryOverride registry path from {@code --registry}/{@code LARDER_REGISTRY}, or null
   * @param onlineOverride online store directory from {@code --online-store}/{@code LARDER_ONLINE_STORE}, or null
   * @throws IllegalArgumentException naming the setting, where it came from and what was expected
   */
  public static ServerConfig resolve(ProjectConfig project, Map<ServerSetting, String> flags, Map<String, String> env,
                                     Path registryOverride, Path onlineOverride) {
    Source s = new Source(project, flags, env);
    int threads = s.intValue(ServerSetting.THREADS, 0, 1024);
    return new ServerConfig(
        project.project(),
        registryOverride != null ? registryOverride : project.registryPath(),
        onlineOverride != null ? onlineOverride : project.onlineDir(),
        s.intValue(ServerSetting.PORT, 0, 65535),
        s.intValue(ServerSetting.METRICS_PORT, 0, 65535),
        s.intValue(ServerSetting.CACHE_MAX_ENTRIES, 0, Integer.MAX_VALUE),
        s.duration(ServerSetting.CACHE_EXPIRE_AFTER_WRITE),
        s.intValue(ServerSetting.MAX_ENTITIES_PER_REQUEST, 1, Integer.MAX_VALUE),
        s.intValue(ServerSetting.MAX_INBOUND_MESSAGE_SIZE, 1024, Integer.MAX_VALUE),
        s.duration(ServerSetting.REFRESH_INTERVAL),
        s.duration(ServerSetting.REGISTRY_POLL_INTERVAL),
        s.duration(ServerSetting.SHUTDOWN_GRACE),
        s.executor(),
        threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
        s.security(),
        s.host(),
        s.intValue(ServerSetting.HTTP_PORT, 0, 65535),
        s.metricsHost(),
        s.path(ServerSetting.METRICS_TOKENS_FILE));
  }

  /** One lookup through the precedence chain, remembering where the winning value came from. */
  private record Source(ProjectConfig project, Map<ServerSetting, String> flags, Map<String, String> env) {
    private String raw(ServerSetting s) {
      String v = flags.get(s);
      if (v != null) return v.trim();
      v = env.get(s.envVar());
      if (v != null && !v.isBlank()) return v.trim();
      return project.setting(s.key(), s.defaultValue()).trim();
    }

    private String origin(ServerSetting s) {
      if (flags.get(s) != null) return s.flag();
      String v = env.get(s.envVar());
      if (v != null && !v.isBlank()) return "environment variable " + s.envVar();
      if (project.settings().containsKey(s.key())) {
        return s.key() + " in " + project.repoDir().resolve(ProjectConfig.FILE_NAME);
      }
      return s.key();
    }

    int intValue(ServerSetting s, int min, int max) {
      String v = raw(s);
      try {
        long n = Long.parseLong(v);
        if (n < min || n > max) {
          throw bad(s, v, "an integer from " + min + " to " + max);
        }
        return (int) n;
      } catch (NumberFormatException e) {
        throw bad(s, v, "an integer");
      }
    }

    Duration duration(ServerSetting s) {
      String v = raw(s);
      try {
        Duration d = Durations.parse(v);
        if (d == null) {
          throw bad(s, v, "a positive duration such as 250ms, 1s or 10m");
        }
        return d;
      } catch (IllegalArgumentException e) {
        throw bad(s, v, "a positive duration such as 250ms, 1s or 10m");
      }
    }

    String host() {
      String v = raw(ServerSetting.HOST);
      try {
        BindAddress.check(v);
        return v;
      } catch (IllegalArgumentException e) {
        throw bad(ServerSetting.HOST, v, "an IP address or host name of this machine, such as 127.0.0.1 or 0.0.0.0 ("
            + e.getMessage() + ")");
      }
    }

    String metricsHost() {
      String v = raw(ServerSetting.METRICS_HOST);
      try {
        BindAddress.check(v);
        return v;
      } catch (IllegalArgumentException e) {
        throw bad(ServerSetting.METRICS_HOST, v, "an IP address or host name of this machine, such as 127.0.0.1 or "
            + "0.0.0.0 (" + e.getMessage() + ")");
      }
    }

    boolean executor() {
      String v = raw(ServerSetting.EXECUTOR);
      return switch (v.toLowerCase()) {
        case "direct" -> true;
        case "pool" -> false;
        default -> throw bad(ServerSetting.EXECUTOR, v, "'direct' or 'pool'");
      };
    }

    /** A file setting: empty means unset; a relative path in the project file is relative to the repository. */
    Path path(ServerSetting s) {
      String v = raw(s);
      if (v.isEmpty()) {
        return null;
      }
      boolean fromFile = flags.get(s) == null && (env.get(s.envVar()) == null || env.get(s.envVar()).isBlank());
      return fromFile ? project.repoDir().resolve(v) : Path.of(v);
    }

    SecurityConfig security() {
      Set<String> open = new LinkedHashSet<>();
      for (String m : raw(ServerSetting.AUTH_OPEN_METHODS).split(",")) {
        if (!m.isBlank()) {
          open.add(m.trim());
        }
      }
      try {
        return new SecurityConfig(path(ServerSetting.TLS_CERT_CHAIN), path(ServerSetting.TLS_PRIVATE_KEY),
            path(ServerSetting.TLS_CLIENT_CA), path(ServerSetting.AUTH_TOKENS_FILE), open);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " (after flags, environment and "
            + project.repoDir().resolve(ProjectConfig.FILE_NAME) + ")", e);
      }
    }

    private IllegalArgumentException bad(ServerSetting s, String value, String expected) {
      return new IllegalArgumentException(origin(s) + "='" + value + "': expected " + expected);
    }
  }
}
