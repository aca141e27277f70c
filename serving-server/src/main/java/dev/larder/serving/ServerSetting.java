package dev.larder.serving;

/**
 * Every tunable of larder-server, with its project-file key, environment variable, command-line flag and
 * default, in one table so that the four sources cannot drift apart and the docs can be checked against it.
 * Precedence is flag, then environment, then project file, then default.
 */
public enum ServerSetting {
  HOST("server.host", "127.0.0.1", "address the gRPC, metrics and HTTP ports listen on: 127.0.0.1 (this machine "
      + "only), 0.0.0.0 (every IPv4 interface), :: (every interface), or one interface's address"),
  PORT("server.port", "6566", "gRPC port; 0 picks a free port"),
  METRICS_PORT("server.metrics_port", "9466", "Prometheus HTTP port; 0 disables the endpoint"),
  HTTP_PORT("server.http_port", "0", "HTTP/JSON API port (POST /v1/features:get, GET /v1/views...); 0 disables it"),
  METRICS_HOST("server.metrics_host", "127.0.0.1", "address the metrics endpoint listens on; 0.0.0.0 for every "
      + "interface (then set server.metrics_tokens_file or firewall the port)"),
  METRICS_TOKENS_FILE("server.metrics_tokens_file", "", "token file (the format of server.auth.tokens_file) whose "
      + "tokens may scrape /metrics; when set, scrapes need 'Authorization: Bearer <token>'"),
  CACHE_MAX_ENTRIES("server.cache.max_entries", "1000000", "rows kept in the lookup cache; 0 disables the cache"),
  CACHE_EXPIRE_AFTER_WRITE("server.cache.expire_after_write", "10m", "how long a cached row is kept"),
  MAX_ENTITIES_PER_REQUEST("server.max_entities_per_request", "10000", "entity rows allowed in one request"),
  MAX_INBOUND_MESSAGE_SIZE("server.max_inbound_message_size", "16777216", "largest request in bytes"),
  REFRESH_INTERVAL("server.refresh_interval", "250ms", "how often newly materialized data is looked for"),
  REGISTRY_POLL_INTERVAL("server.registry_poll_interval", "1s", "how often the registry file is checked"),
  SHUTDOWN_GRACE("server.shutdown_grace", "10s", "how long in-flight calls may finish on shutdown"),
  EXECUTOR("server.executor", "direct", "'direct' runs calls on the transport threads, 'pool' on a fixed pool"),
  THREADS("server.threads", "0", "transport (and pool) threads; 0 means one per core"),
  TLS_CERT_CHAIN("server.tls.cert_chain", "", "PEM certificate chain of the server; set with the key to serve TLS"),
  TLS_PRIVATE_KEY("server.tls.private_key", "", "PEM PKCS#8 private key of the server certificate"),
  TLS_CLIENT_CA("server.tls.client_ca", "", "PEM CA certificates; when set, clients must present a certificate "
      + "signed by one of them (mutual TLS)"),
  AUTH_TOKENS_FILE("server.auth.tokens_file", "", "bearer token file (hashed tokens and what each may read); "
      + "when set, calls need a token"),
  AUTH_OPEN_METHODS("server.auth.open_methods", "grpc.health.v1.Health", "comma-separated services or "
      + "service/method names reachable without a token");

  private final String key;
  private final String defaultValue;
  private final String description;

  ServerSetting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** Key in {@code larder.properties}, e.g. {@code server.cache.max_entries}. */
  public String key() {
    return key;
  }

  /** Environment variable, derived from the key: {@code server.cache.max_entries} is {@code LARDER_CACHE_MAX_ENTRIES}. */
  public String envVar() {
    return "LARDER_" + key.substring("server.".length()).replace('.', '_').toUpperCase();
  }

  /** Command-line flag, derived from the key: {@code --cache-max-entries}. */
  public String flag() {
    return "--" + key.substring("server.".length()).replace('.', '-').replace('_', '-');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
