package dev.larder.serving;

import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.serving.auth.TokenFile;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint of a running server: loopback by default, and with TLS and a scrape token it is as
 * closed as the gRPC port (issue 20, point 10).
 */
class MetricsAccessTest {
  private static final String SCRAPE_TOKEN = "prometheus-scrape-secret-51be";

  @TempDir
  static Path certDir;
  static TestCertificates ca;
  static TestCertificates.Issued serverCert;
  static TestCertificates.Issued clientCert;

  @TempDir
  Path dir;

  @BeforeAll
  static void mintCertificates() throws Exception {
    ca = new TestCertificates(certDir, "larder");
    serverCert = ca.issue("server");
    clientCert = ca.issue("prometheus");
  }

  @Test
  void byDefaultTheEndpointListensOnLoopbackOnly() throws Exception {
    ServerConfig base = fixture().config(100);
    assertThat(base.metricsHost()).isEqualTo("127.0.0.1");
    int port = freePort();
    try (LarderServer server = LarderServer.start(base.withMetrics(port, base.metricsHost(), null),
        ServingFixture.ONLINE)) {
      assertThat(server.metricsPort()).isEqualTo(port);
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("larder_registry_version 1.0\n", "jvm_memory_used_bytes{area=\"heap\"}");
      assertThat(listeningAddresses(port)).as("addresses listening on %d", port).containsExactly("127.0.0.1");
    }
    // The control: asked to, the endpoint listens on every interface, and the check above sees it.
    int open = freePort();
    try (LarderServer server = LarderServer.start(base.withMetrics(open, "0.0.0.0", null), ServingFixture.ONLINE)) {
      assertThat(listeningAddresses(open)).containsExactly("*");
    }
  }

  @Test
  void withTlsTheEndpointNeedsTheClientCertificateAndAScrapeToken() throws Exception {
    Path tokens = dir.resolve("metrics-tokens");
    Files.writeString(tokens, TokenFile.hashText(SCRAPE_TOKEN) + "  name=prometheus\n");
    SecurityConfig security = new SecurityConfig(serverCert.cert(), serverCert.key(), ca.caFile, null,
        Set.of("grpc.health.v1.Health"));
    int port = freePort();
    ServerConfig config = fixture().config(100).withSecurity(security).withMetrics(port, "127.0.0.1", tokens);
    try (LarderServer server = LarderServer.start(config, ServingFixture.ONLINE)) {
      String url = "https://localhost:" + port + "/metrics";
      // A client with the CA's client certificate (what Prometheus's tls_config cert_file/key_file sends).
      HttpClient prometheus = HttpClient.newBuilder().sslContext(
          TlsContext.of(new SecurityConfig(clientCert.cert(), clientCert.key(), ca.caFile, null, Set.of()))).build();

      assertThat(send(prometheus, url, null).statusCode()).isEqualTo(401);
      assertThat(send(prometheus, url, "Bearer not-the-token").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = send(prometheus, url, "Bearer " + SCRAPE_TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("larder_registry_version 1.0\n", "jvm_gc_collection_seconds_count");

      // Without a client certificate the handshake fails; plain HTTP gets no metrics either.
      SSLContext trustOnly = SSLContext.getInstance("TLS");
      trustOnly.init(null, trustManagers(), null);
      HttpClient anonymous = HttpClient.newBuilder().sslContext(trustOnly).build();
      assertThatThrownBy(() -> send(anonymous, url, "Bearer " + SCRAPE_TOKEN)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> send(HttpClient.newHttpClient(), "http://localhost:" + port + "/metrics",
          "Bearer " + SCRAPE_TOKEN)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aMissingScrapeTokenFileStopsTheServerAtStart() throws Exception {
    ServerConfig config = fixture().config(100).withMetrics(freePort(), "127.0.0.1", dir.resolve("absent"));
    assertThatThrownBy(() -> LarderServer.start(config, ServingFixture.ONLINE))
        .isInstanceOf(IOException.class).hasMessageContaining(dir.resolve("absent") + " (server.metrics_tokens_file)");
  }

  private ServingFixture fixture() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    return f;
  }

  private static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(ca.caFile)) {
      ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tm = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tm.init(ks);
    return tm.getTrustManagers();
  }

  private static HttpResponse<String> send(HttpClient client, String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The local addresses of the sockets listening on {@code port} ({@code *} for every interface), read from
   * the kernel's socket tables rather than by connecting to this host's other addresses (tests only send
   * traffic to loopback). Java listens on IPv6 sockets, where 127.0.0.1 shows as ::ffff:127.0.0.1.
   */
  private static List<String> listeningAddresses(int port) throws IOException {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")),
        "no /proc/net/tcp on this OS: the listening address is not checked");
    List<String> out = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      if (!Files.isReadable(Path.of(table))) {
        continue;
      }
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
          out.add(address(local[0]));
        }
      }
    }
    return out;
  }

  private static String address(String hex) {
    if (hex.chars().allMatch(c -> c == '0')) {
      return "*";
    }
    if (hex.length() == 32 && !hex.startsWith("0000000000000000FFFF0000")) {
      return "ipv6:" + hex;
    }
    int a = (int) Long.parseLong(hex.substring(hex.length() - 8), 16);  // little-endian, as on x86 and ARM
    return (a & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a >>> 16 & 0xff) + "." + (a >>> 24 & 0xff);
  }
}
