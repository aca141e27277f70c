package dev.larder.serving.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  @Test
  void histogramsAreCumulativeAndServedOverHttp() throws Exception {
    ServingMetrics metrics = new ServingMetrics();
    metrics.recordCall("svc/M", Status.Code.OK, 200_000);      // 0.2 ms
    metrics.recordCall("svc/M", Status.Code.OK, 4_000_000);    // 4 ms
    metrics.recordCall("svc/M", Status.Code.NOT_FOUND, 50_000);
    metrics.recordEntities(3);

    try (MetricsEndpoint endpoint = MetricsEndpoint.start(new java.net.InetSocketAddress("127.0.0.1", 0), metrics)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + endpoint.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body()).contains(
          "larder_requests_total{method=\"svc/M\",code=\"OK\"} 2\n",
          "larder_requests_total{method=\"svc/M\",code=\"NOT_FOUND\"} 1\n",
          "larder_request_duration_seconds_bucket{method=\"svc/M\",code=\"OK\",le=\"0.00025\"} 1\n",
          "larder_request_duration_seconds_bucket{method=\"svc/M\",code=\"OK\",le=\"0.005\"} 2\n",
          "larder_request_duration_seconds_bucket{method=\"svc/M\",code=\"OK\",le=\"+Inf\"} 2\n",
          "larder_request_duration_seconds_count{method=\"svc/M\",code=\"OK\"} 2\n",
          "larder_entities_per_request_bucket{le=\"5\"} 1\n",
          "# TYPE larder_request_duration_seconds histogram\n");
    }
  }
}
