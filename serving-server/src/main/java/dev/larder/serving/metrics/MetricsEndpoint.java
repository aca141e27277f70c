package dev.larder.serving.metrics;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The {@code /metrics} endpoint Prometheus scrapes: the Prometheus client's HTTP exporter over the server's
 * registry, on its own single thread so that scrapes never compete with gRPC calls for transport threads.
 * It listens on loopback unless told otherwise, and can require TLS (optionally a client certificate) and a
 * bearer token, so that turning on security for gRPC need not leave the metrics open; see docs/security.md.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /**
   * How the endpoint is reached.
   *
   * @param host address to listen on ({@code 127.0.0.1} by default; {@code 0.0.0.0} for every interface)
   * @param port port; 0 picks a free one
   * @param tls server TLS context, or null for plain HTTP
   * @param clientCertificates whether a TLS client must present a certificate the context trusts
   * @param tokens accepts a presented bearer token, or null when no token is needed
   */
  public record Access(String host, int port, SSLContext tls, boolean clientCertificates, Predicate<String> tokens) {
    /** Plain HTTP on loopback without a token. */
    public static Access loopback(int port) {
      return new Access("127.0.0.1", port, null, false, null);
    }
  }

  private final HTTPServer http;
  private final ExecutorService executor;
  private final boolean tls;

  private MetricsEndpoint(HTTPServer http, ExecutorService executor, boolean tls) {
    this.http = http;
    this.executor = executor;
    this.tls = tls;
  }

  /** Starts serving {@code metrics} as {@code access} says. */
  public static MetricsEndpoint start(Access access, ServingMetrics metrics) throws IOException {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "larder-metrics-http");
      t.setDaemon(true);
      return t;
    });
    HTTPServer.Builder b = HTTPServer.builder()
        .hostname(access.host())
        .port(access.port())
        .registry(metrics.registry())
        .executorService(executor);
    if (access.tls() != null) {
      b.httpsConfigurator(new HttpsConfigurator(access.tls()) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = access.tls().getDefaultSSLParameters();
          p.setNeedClientAuth(access.clientCertificates());
          params.setSSLParameters(p);
        }
      });
    }
    if (access.tokens() != null) {
      b.authenticator(new BearerAuthenticator(access.tokens()));
    }
    try {
      return new MetricsEndpoint(b.buildAndStart(), executor, access.tls() != null);
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      throw new IOException("metrics endpoint " + access.host() + ":" + access.port() + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return http.getPort();
  }

  /** {@code http} or {@code https}, for the start line. */
  public String scheme() {
    return tls ? "https" : "http";
  }

  @Override
  public void close() {
    http.close();
    executor.shutdownNow();
  }
}
