package dev.larder.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.serving.SecurityConfig;
import dev.larder.serving.metrics.ServingMetrics;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HTTP port closes connections that carry nothing for the idle period, as the gRPC port does. */
class IdleConnectionTest {
  @Test
  void anIdleConnectionIsClosed() throws Exception {
    HttpEndpoint endpoint = HttpEndpoint.start(new InetSocketAddress("127.0.0.1", 0), 1, SecurityConfig.OFF, 1 << 20,
        null, new ServingMetrics(), Runnable::run, Duration.ofMillis(500));
    try (Socket idle = new Socket("127.0.0.1", endpoint.port())) {
      idle.setSoTimeout(5_000);
      long start = System.nanoTime();
      InputStream in = idle.getInputStream();
      assertThat(in.read()).as("the server closed the idle connection").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    } finally {
      endpoint.close();
    }
  }
}
