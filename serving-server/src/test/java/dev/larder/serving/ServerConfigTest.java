package dev.larder.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.registry.ProjectConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag > environment > project file > default, through the real command line. */
class ServerConfigTest {
  @TempDir
  Path repo;

  private ServerConfig parse(Map<String, String> env, String... args) throws Exception {
    var cl = ServerMain.commandLine(env);
    cl.parseArgs(args);
    return ((ServerMain) cl.getCommand()).config();
  }

  @Test
  void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "project=shop\nserver.port=7000\n"
        + "server.cache.max_entries=500\nserver.metrics_port=9500\n");

    ServerConfig c = parse(Map.of("LARDER_PORT", "7100", "LARDER_CACHE_MAX_ENTRIES", "600"),
        "--repo", repo.toString(), "--port", "7200");

    assertThat(c.port()).isEqualTo(7200);
    assertThat(c.cacheMaxEntries()).isEqualTo(600);
    assertThat(c.metricsPort()).isEqualTo(9500);
    assertThat(c.maxEntitiesPerRequest()).isEqualTo(10000);
    assertThat(c.cacheExpireAfterWrite()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.project()).isEqualTo("shop");
    assertThat(c.registryPath()).isEqualTo(repo.resolve("data/registry.pb").toAbsolutePath().normalize());
  }

  @Test
  void theHostIsLoopbackByDefaultAndSetByFileEnvironmentOrFlag() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "project=shop\n");
    assertThat(parse(Map.of(), "--repo", repo.toString()).host()).isEqualTo("127.0.0.1");
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "project=shop\nserver.host=0.0.0.0\n");
    assertThat(parse(Map.of(), "--repo", repo.toString()).host()).isEqualTo("0.0.0.0");
    assertThat(parse(Map.of("LARDER_HOST", "::1"), "--repo", repo.toString()).host()).isEqualTo("::1");
    assertThat(parse(Map.of("LARDER_HOST", "::1"), "--repo", repo.toString(), "--host", "localhost").host())
        .isEqualTo("localhost");
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--host", "no-such-host.invalid"))
        .hasMessageContaining("--host='no-such-host.invalid'").hasMessageContaining("an IP address or host name");
  }

  @Test
  void aFreshRepositoryServesThisMachineOnly() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("shop"));
    assertThat(Files.readString(repo.resolve(ProjectConfig.FILE_NAME))).contains("server.host=127.0.0.1");
    assertThat(parse(Map.of(), "--repo", repo.toString()).host()).isEqualTo("127.0.0.1");
  }

  @Test
  void locationsComeFromFlagsOrEnvironment() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "");
    ServerConfig c = parse(Map.of("LARDER_REPO", repo.toString(), "LARDER_ONLINE_STORE", "/srv/online"),
        "--registry", "/srv/registry.pb", "--metrics-port", "0", "--executor", "pool", "--threads", "3");

    assertThat(c.registryPath()).isEqualTo(Path.of("/srv/registry.pb"));
    assertThat(c.onlineDir()).isEqualTo(Path.of("/srv/online"));
    assertThat(c.metricsPort()).isZero();
    assertThat(c.directExecutor()).isFalse();
    assertThat(c.threads()).isEqualTo(3);
  }

  @Test
  void httpPortIsOffByDefaultAndSetByFlagOrEnvironment() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "");
    assertThat(parse(Map.of(), "--repo", repo.toString()).httpPort()).isZero();
    assertThat(parse(Map.of("LARDER_HTTP_PORT", "8080"), "--repo", repo.toString()).httpPort()).isEqualTo(8080);
    assertThat(parse(Map.of("LARDER_HTTP_PORT", "8080"), "--repo", repo.toString(), "--http-port", "8081").httpPort())
        .isEqualTo(8081);
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--http-port", "70000"))
        .hasMessageContaining("--http-port='70000'");
  }

  @Test
  void badValuesNameTheirSource() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "server.refresh_interval=soon\n");

    assertThatThrownBy(() -> parse(Map.of("LARDER_PORT", "http"), "--repo", repo.toString()))
        .hasMessageContaining("LARDER_PORT='http'").hasMessageContaining("integer");
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--port", "70000"))
        .hasMessageContaining("--port='70000'").hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString()))
        .hasMessageContaining("server.refresh_interval in ").hasMessageContaining("'soon'");
  }

  @Test
  void theMetricsEndpointIsLoopbackOnlyUnlessAHostIsGiven() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "");
    ServerConfig c = parse(Map.of(), "--repo", repo.toString());
    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsTokensFile()).isNull();

    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "server.metrics_host=0.0.0.0\n"
        + "server.metrics_tokens_file=metrics-tokens\n");
    c = parse(Map.of(), "--repo", repo.toString());
    assertThat(c.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(c.metricsTokensFile().toAbsolutePath()).isEqualTo(repo.resolve("metrics-tokens").toAbsolutePath());
    assertThat(parse(Map.of("LARDER_METRICS_HOST", "::1"), "--repo", repo.toString()).metricsHost()).isEqualTo("::1");
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--metrics-host", "a b"))
        .hasMessageContaining("--metrics-host='a b'").hasMessageContaining("IP address or host name");
  }

  @Test
  void everySettingHasAFlagAndAnEnvironmentVariable() throws Exception {
    assertThat(ServerSetting.CACHE_MAX_ENTRIES.flag()).isEqualTo("--cache-max-entries");
    assertThat(ServerSetting.CACHE_MAX_ENTRIES.envVar()).isEqualTo("LARDER_CACHE_MAX_ENTRIES");
    assertThat(ServerSetting.METRICS_PORT.flag()).isEqualTo("--metrics-port");
    assertThat(ServerSetting.PORT.envVar()).isEqualTo("LARDER_PORT");
    String help = ServerMain.commandLine(Map.of()).getUsageMessage();
    for (ServerSetting s : ServerSetting.values()) {
      assertThat(help).contains(s.flag(), s.envVar());
    }
  }

  @Test
  void securityIsOffByDefaultAndItsFilesComeFromEveryLayer() throws Exception {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "server.tls.cert_chain=tls/server.crt\n"
        + "server.tls.private_key=tls/server.key\nserver.auth.tokens_file=tokens.txt\n");
    ServerConfig c = parse(Map.of("LARDER_TLS_CLIENT_CA", "/etc/larder/ca.crt"), "--repo", repo.toString(),
        "--auth-open-methods", "grpc.health.v1.Health, grpc.reflection.v1.ServerReflection");

    assertThat(c.security().certChain().toAbsolutePath()).isEqualTo(repo.resolve("tls/server.crt").toAbsolutePath());
    assertThat(c.security().tokensFile().toAbsolutePath()).isEqualTo(repo.resolve("tokens.txt").toAbsolutePath());
    assertThat(c.security().clientCa()).isEqualTo(Path.of("/etc/larder/ca.crt"));
    assertThat(c.security().openMethods()).containsExactlyInAnyOrder("grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection");
    assertThat(c.security().describe()).isEqualTo("mtls+tokens");

    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), "");
    assertThat(parse(Map.of(), "--repo", repo.toString()).security()).isEqualTo(SecurityConfig.OFF);
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--tls-cert-chain", "a.crt"))
        .hasMessageContaining("server.tls.cert_chain and server.tls.private_key must be set together");
    assertThatThrownBy(() -> parse(Map.of(), "--repo", repo.toString(), "--tls-client-ca", "ca.crt"))
        .hasMessageContaining("mutual TLS needs TLS");
  }

  @Test
  void versionIsTheBuildsVersionAndCommitLikeTheCli() {
    java.io.StringWriter out = new java.io.StringWriter();
    var cl = ServerMain.commandLine(Map.of());
    cl.setOut(new java.io.PrintWriter(out));
    assertThat(cl.execute("--version")).isZero();
    assertThat(out.toString().strip()).isEqualTo(dev.larder.build.BuildInfo.current().describe("larder-server"))
        .contains("(commit ");
  }
}
