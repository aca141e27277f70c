package dev.larder.serving.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus client's exporter serving the server's metrics over real HTTP on loopback. */
class MetricsEndpointTest {
  @Test
  void countersHistogramsAndGaugesAreServedOverHttp() throws Exception {
    ServingMetrics metrics = new ServingMetrics();
    metrics.recordCall("svc/M", Status.Code.OK, 200_000);      // 0.2 ms
    metrics.recordCall("svc/M", Status.Code.OK, 4_000_000);    // 4 ms
    metrics.recordCall("svc/M", Status.Code.NOT_FOUND, 50_000);
    metrics.recordEntities(3);
    metrics.recordRegistryReload(false);
    metrics.recordDataSwaps(2);
    metrics.registryVersionSource(() -> 7L);
    metrics.viewSource(() -> List.of(new ServingMetrics.ViewGauge("user_activity", 2, 2, 1_765_000_000_123L, 12.5),
        new ServingMetrics.ViewGauge("user_profile", 1, 1, 0, Double.NaN)));

    try (MetricsEndpoint endpoint = MetricsEndpoint.start(MetricsEndpoint.Access.loopback(0), metrics)) {
      HttpResponse<String> r = get("http://127.0.0.1:" + endpoint.port() + "/metrics");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body()).contains(
          "# TYPE larder_requests_total counter\n",
          "larder_requests_total{code=\"OK\",method=\"svc/M\"} 2.0\n",
          "larder_requests_total{code=\"NOT_FOUND\",method=\"svc/M\"} 1.0\n",
          "# TYPE larder_request_duration_seconds histogram\n",
          "larder_request_duration_seconds_bucket{code=\"OK\",method=\"svc/M\",le=\"1.0E-4\"} 0\n",
          "larder_request_duration_seconds_bucket{code=\"OK\",method=\"svc/M\",le=\"2.5E-4\"} 1\n",
          "larder_request_duration_seconds_bucket{code=\"OK\",method=\"svc/M\",le=\"0.005\"} 2\n",
          "larder_request_duration_seconds_bucket{code=\"OK\",method=\"svc/M\",le=\"+Inf\"} 2\n",
          "larder_request_duration_seconds_count{code=\"OK\",method=\"svc/M\"} 2\n",
          "larder_entities_per_request_bucket{le=\"2.0\"} 0\n",
          "larder_entities_per_request_bucket{le=\"5.0\"} 1\n",
          "larder_entities_per_request_sum 3.0\n",
          "larder_registry_reloads_total{result=\"ok\"} 0.0\n",
          "larder_registry_reloads_total{result=\"refused\"} 1.0\n",
          "larder_data_swaps_total 2.0\n",
          "larder_registry_version 7.0\n",
          "larder_view_version{view=\"user_activity\"} 2.0\n",
          "larder_view_data_version{view=\"user_activity\"} 1.765000000123E12\n",
          "larder_view_data_age_seconds{view=\"user_activity\"} 12.5\n",
          "larder_view_data_age_seconds{view=\"user_profile\"} NaN\n");
      // The client's JVM instrumentation: memory, GC, threads, process.
      assertThat(r.body()).contains("# TYPE jvm_memory_used_bytes gauge\n", "jvm_memory_used_bytes{area=\"heap\"}",
          "# TYPE jvm_gc_collection_seconds summary\n", "jvm_threads_current ", "process_cpu_seconds_total ");
      // No cache source: the cache families are left out rather than reported as zero.
      assertThat(r.body()).doesNotContain("larder_cache_hits_total ");
      assertThat(metrics.callCount("svc/M", Status.Code.OK)).isEqualTo(2);
      assertThat(get("http://127.0.0.1:" + endpoint.port() + "/-/healthy").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void listensOnLoopbackAndRefusesScrapesWithoutTheToken() throws Exception {
    ServingMetrics metrics = new ServingMetrics();
    MetricsEndpoint.Access access = new MetricsEndpoint.Access("127.0.0.1", 0, null, false, "s3cret"::equals);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(access, metrics)) {
      String url = "http://127.0.0.1:" + endpoint.port() + "/metrics";
      HttpResponse<String> none = get(url);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(none.body()).doesNotContain("larder_");
      assertThat(get(url, "Bearer wrong").statusCode()).isEqualTo(401);
      assertThat(get(url, "Basic czNjcmV0").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = get(url, "Bearer s3cret");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("larder_data_swaps_total 0.0\n");
    }
  }

  static HttpResponse<String> get(String url) throws Exception {
    return get(url, null);
  }

  static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
