package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.FieldStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as deployed: Netty on a free port, with reflection, health and the inbound size limit. */
class NettyServerTest {
  @TempDir
  Path dir;

  @Test
  void servesLookupsHealthAndReflectionOnARealPort() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    // user_profile has no TTL, so the fixture's fixed timestamps stay PRESENT under the system clock.
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    ServerConfig base = f.config(1000);
    ServerConfig config = new ServerConfig(base.project(), base.registryPath(), base.onlineDir(), 0, 0, 1000,
        Duration.ofMinutes(1), 100, 1024, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), true, 2);

    long started = System.nanoTime();
    try (LarderServer server = LarderServer.start(config, ServingFixture.ONLINE)) {
      // A hang check only: cold start on a shared CI box is slow; startup time is measured on the launcher.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      assertThat(server.port()).isPositive();
      ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
      try {
        assertThat(listServices(channel)).contains(FeatureServingGrpc.SERVICE_NAME, "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);

        GetOnlineFeaturesResponse r = FeatureServingGrpc.newBlockingStub(channel)
            .getOnlineFeatures(features("user_profile:country").putEntities("user_id", users(42)).build());
        assertThat(r.getResults(0).getValues(0).getStringVal()).isEqualTo("NL");
        assertThat(r.getResults(0).getStatuses(0)).isEqualTo(FieldStatus.PRESENT);

        long[] many = new long[150];
        java.util.Arrays.fill(many, Long.MAX_VALUE);
        assertThatThrownBy(() -> FeatureServingGrpc.newBlockingStub(channel)
            .getOnlineFeatures(features("user_activity:purchase_count").putEntities("user_id", users(many)).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void listensOnLoopbackByDefaultAndAPortClashNamesThePortAndItsSetting() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    ServerConfig base = f.config(1000);
    ServerConfig config = new ServerConfig(base.project(), base.registryPath(), base.onlineDir(), 0, 0, 1000,
        Duration.ofMinutes(1), 100, 1024, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), true, 2);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    try (LarderServer server = LarderServer.start(config, ServingFixture.ONLINE)) {
      assertThat(server.listenAddresses()).singleElement().asString().contains("127.0.0.1:" + server.port());
      // The warm-up docs/api.md shows: connect, one call with a loose deadline, then tight deadlines.
      ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext().build();
      try {
        var stub = FeatureServingGrpc.newBlockingStub(channel);
        channel.getState(true);
        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .getServingInfo(dev.larder.serving.v1.GetServingInfoRequest.getDefaultInstance());
        assertThat(stub.withDeadlineAfter(500, TimeUnit.MILLISECONDS) // 50 ms in the docs; CI machines are slower
            .getOnlineFeatures(features("user_profile:country").putEntities("user_id", users(1)).build())
            .getResultsCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }

    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      ServerConfig metricsClash = new ServerConfig(base.project(), base.registryPath(), base.onlineDir(), 0, port,
          1000, Duration.ofMinutes(1), 100, 1024, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
          true, 2);
      assertThatThrownBy(() -> LarderServer.start(metricsClash, ServingFixture.ONLINE).close())
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("cannot listen on the metrics port 127.0.0.1:" + port + ": the port is already in use")
          .hasMessageContaining("--metrics-port (environment LARDER_METRICS_PORT, server.metrics_port in");
      ServerConfig grpcClash = new ServerConfig(base.project(), base.registryPath(), base.onlineDir(), port, 0,
          1000, Duration.ofMinutes(1), 100, 1024, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
          true, 2);
      assertThatThrownBy(() -> LarderServer.start(grpcClash, ServingFixture.ONLINE).close())
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("cannot listen on the gRPC port 127.0.0.1:" + port + ": the port is already in use")
          .hasMessageContaining("--port (environment LARDER_PORT, server.port in");
    }
  }

  static List<String> listServices(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            names.complete(r.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList());
          }

          @Override
          public void onError(Throwable t) {
            names.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            names.complete(List.of());
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    return names.get(10, TimeUnit.SECONDS);
  }
}
