package dev.larder.serving.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code /metrics} HTTP endpoint Prometheus scrapes. It uses the JDK's built-in HTTP server on its own
 * single thread so that scrapes never compete with gRPC calls for transport threads.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /** Starts serving {@code metrics} on {@code address} (port 0 picks a free port). */
  public static MetricsEndpoint start(InetSocketAddress address, ServingMetrics metrics) throws IOException {
    HttpServer http = HttpServer.create(address, 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "larder-metrics-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.scrape()));
    http.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8", "see /metrics\n"));
    http.start();
    return new MetricsEndpoint(http, executor);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
