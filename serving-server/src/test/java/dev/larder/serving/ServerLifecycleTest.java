package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FieldStatus;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health transitions, deadlines and the store-not-open state, over in-process gRPC. */
class ServerLifecycleTest {
  @TempDir
  Path dir;
  LarderServer server;
  ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  private void listen(InProcessServerBuilder builder, String name) throws Exception {
    listen(builder, name, 100);
  }

  private void listen(InProcessServerBuilder builder, String name, long cacheEntries) throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_activity", List.<Object[]>of(new Object[] {1L, minutesAgo(1), 5L, 1.0, "a"}));
    server = LarderServer.listen(f.config(cacheEntries), ServingFixture.ONLINE,
        Clock.fixed(ServingFixture.NOW, java.time.ZoneOffset.UTC), builder, null);
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @Test
  void healthIsNotServingUntilTheStoreIsOpen() throws Exception {
    String name = InProcessServerBuilder.generateName();
    listen(InProcessServerBuilder.forName(name), name);
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    var lookup = FeatureServingGrpc.newBlockingStub(channel);

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(health.check(HealthCheckRequest.newBuilder().setService(FeatureServingGrpc.SERVICE_NAME).build())
        .getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    assertThatThrownBy(() -> lookup.getOnlineFeatures(features("user_activity").putEntities("user_id", users(1)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

    server.openStore();

    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.newBuilder().setService(FeatureServingGrpc.SERVICE_NAME).build())
        .getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(lookup.getOnlineFeatures(features("user_activity").putEntities("user_id", users(1)).build())
        .getResults(0).getValues(0).getInt64Val()).isEqualTo(5L);
  }

  @Test
  void expiredDeadlineStopsTheLookupBeforeReadingData() throws Exception {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    builder.intercept(new DelayBeforeHandler(300));
    listen(builder, name);
    server.openStore();
    var lookup = FeatureServingGrpc.newBlockingStub(channel).withDeadlineAfter(100, TimeUnit.MILLISECONDS);

    assertThatThrownBy(() -> lookup.getOnlineFeatures(features("user_activity").putEntities("user_id", users(1)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    String method = FeatureServingGrpc.getGetOnlineFeaturesMethod().getFullMethodName();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.metrics().callCount(method, Status.Code.DEADLINE_EXCEEDED)
        + server.metrics().callCount(method, Status.Code.CANCELLED) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // The service answered the expired call itself, and it did so without touching the cache or RocksDB.
    assertThat(server.metrics().callCount(method, Status.Code.DEADLINE_EXCEEDED)
        + server.metrics().callCount(method, Status.Code.CANCELLED)).isEqualTo(1);
    assertThat(server.metrics().scrape()).contains("larder_cache_misses_total 0.0\n", "larder_cache_hits_total 0.0\n");
  }

  @Test
  void closeReportsNotServingAndIsIdempotent() throws Exception {
    String name = InProcessServerBuilder.generateName();
    listen(InProcessServerBuilder.forName(name), name);
    server.openStore();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);

    server.close();
    server.close();

    assertThatThrownBy(() -> health.check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void closeLetsInFlightCallsFinish() throws Exception {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    builder.intercept(new DelayBeforeHandler(300));
    listen(builder, name);
    server.openStore();
    var lookup = FeatureServingGrpc.newFutureStub(channel);

    var inFlight = lookup.getOnlineFeatures(features("user_activity").putEntities("user_id", users(1)).build());
    Thread.sleep(100);
    server.close();

    assertThat(inFlight.get(5, TimeUnit.SECONDS).getResults(0).getValues(0).getInt64Val()).isEqualTo(5L);
  }

  @Test
  void lookupsWorkWithTheCacheDisabled() throws Exception {
    String name = InProcessServerBuilder.generateName();
    listen(InProcessServerBuilder.forName(name), name, 0);
    server.openStore();
    var lookup = FeatureServingGrpc.newBlockingStub(channel);
    for (int i = 0; i < 2; i++) {
      assertThat(lookup.getOnlineFeatures(features("user_activity").putEntities("user_id", users(1, 2)).build())
          .getResults(0).getStatusesList()).containsExactly(FieldStatus.PRESENT, FieldStatus.NOT_FOUND);
    }
    assertThat(server.metrics().scrape()).contains("larder_cache_entries 0.0\n", "larder_cache_hits_total 0.0\n");
  }

  /** Holds a call back before its handler runs, so that its deadline passes first. */
  private record DelayBeforeHandler(long millis) implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        @Override
        public void onHalfClose() {
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          super.onHalfClose();
        }
      };
    }
  }
}
