package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many large requests at once over a real port: the server holds at most its request budget
 * (4 x max_inbound_message_size) and refuses the calls beyond it with RESOURCE_EXHAUSTED.
 */
class RequestBytesBudgetTest {
  @TempDir
  Path dir;

  @Test
  void requestsBeyondTheBudgetAreRefusedAndTheServerServesAfterwards() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    ServerConfig base = f.config(1000);
    int maxMessage = 1 << 20;
    ServerConfig config = new ServerConfig(base.project(), base.registryPath(), base.onlineDir(), 0, 0, 1000,
        Duration.ofMinutes(1), 100, maxMessage, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
        true, 2);
    try (LarderServer server = LarderServer.start(config, ServingFixture.ONLINE)) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", server.port()).usePlaintext()
          .maxInboundMessageSize(maxMessage).build();
      try {
        // 12 requests of ~900 KB, each sent but not half-closed: the server holds every one until it ends.
        GetOnlineFeaturesRequest big = features("user_profile:country").putEntities("user_id", users(42))
            .setFeatureService("x".repeat(900_000)).build();
        List<ClientCall<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse>> calls = new ArrayList<>();
        List<CompletableFuture<Status>> closed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          ClientCall<GetOnlineFeaturesRequest, GetOnlineFeaturesResponse> call =
              channel.newCall(FeatureServingGrpc.getGetOnlineFeaturesMethod(), CallOptions.DEFAULT);
          CompletableFuture<Status> done = new CompletableFuture<>();
          call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              done.complete(status);
            }
          }, new Metadata());
          call.request(1);
          call.sendMessage(big);
          calls.add(call);
          closed.add(done);
        }
        // At most 4 fit in the 4 MB budget; every other call is refused while those are held.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          long done = closed.stream().filter(CompletableFuture::isDone).count();
          if (done >= 8 && server.requestBudget().inflight() >= (12 - done) * 900_000) {
            break;
          }
          Thread.sleep(20);
        }
        List<Status> refused = closed.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
        assertThat(refused).hasSizeBetween(8, 11).allSatisfy(s -> {
          assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(s.getDescription()).contains("budget 4194304");
        });
        assertThat(server.requestBudget().inflight()).isBetween((12L - refused.size()) * 900_000, 4L << 20);
        assertThat(server.requestBudget().refused()).isEqualTo(refused.size());

        calls.forEach(c -> c.cancel("done", null));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.requestBudget().inflight() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(server.requestBudget().inflight()).isZero();
        assertThat(FeatureServingGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getOnlineFeatures(features("user_profile:country").putEntities("user_id", users(42)).build())
            .getResults(0).getValues(0).getStringVal()).isEqualTo("NL");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
