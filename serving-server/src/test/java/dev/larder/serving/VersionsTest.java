package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.service;
import static dev.larder.serving.Requests.statuses;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.Requests.values;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.registry.Plan;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.ViewServingInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions coexist on the server: after a breaking apply it keeps answering from the previous version until
 * the new one has data, says which version answered, and lets clients pin a version.
 */
class VersionsTest {
  @TempDir
  java.nio.file.Path dir;
  ServingFixture fixture;
  LarderServer server;
  ManagedChannel channel;
  FeatureServingGrpc.FeatureServingBlockingStub stub;
  Registry v1;
  Registry v2;

  @BeforeEach
  void start() throws Exception {
    fixture = new ServingFixture(dir);
    // Version 1 as `apply` writes it, then version 2: user_activity gains a feature (a new meaning).
    v1 = Plan.between(Registry.getDefaultInstance(), definitions(ServingFixture.registry(1), false))
        .apply("shop", Instant.EPOCH);
    v2 = Plan.between(v1, definitions(v1, true)).apply("shop", Instant.EPOCH.plusSeconds(60));
    fixture.writeRegistry(v1);
    fixture.materialize(Catalog.of(v1), "user_activity", List.<Object[]>of(new Object[] {1L, minutesAgo(1), 1L, 1.0, "v1"}));
    String name = InProcessServerBuilder.generateName();
    server = LarderServer.listen(fixture.config(1000), ServingFixture.ONLINE,
        Clock.fixed(ServingFixture.NOW, java.time.ZoneOffset.UTC),
        InProcessServerBuilder.forName(name), null);
    server.openStore();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  /** The registry's definitions; with {@code clicks}, user_activity gets a fourth feature and a pinned service. */
  private static Definitions definitions(Registry r, boolean clicks) {
    Definitions.Builder d = Definitions.newBuilder().addAllEntities(r.getEntitiesList())
        .addAllFeatureServices(r.getFeatureServicesList());
    for (FeatureView v : r.getFeatureViewsList()) {
      d.addFeatureViews(clicks && v.getName().equals("user_activity")
          ? v.toBuilder().addFeatures(ServingFixture.feature("clicks", ValueType.INT64)).build() : v);
    }
    if (clicks) {
      d.addFeatureServices(FeatureService.newBuilder().setName("old_model").addFeatures("user_activity@1:purchase_count"));
    }
    return d.build();
  }

  private static final GetOnlineFeaturesRequest UNPINNED =
      features("user_activity:purchase_count", "user_activity:clicks", "user_profile:country")
          .putEntities("user_id", users(1)).build();

  private ViewServingInfo info(String view) {
    return stub.getServingInfo(GetServingInfoRequest.getDefaultInstance()).getViewsList().stream()
        .filter(v -> v.getName().equals(view)).findFirst().orElseThrow();
  }

  @Test
  void aBreakingApplyKeepsServingThePreviousVersionUntilTheNewOneHasData() throws Exception {
    assertThat(v2.getViewStatesMap().get("user_activity").getVersion()).isEqualTo(2);
    GetOnlineFeaturesResponse before = stub.getOnlineFeatures(features("user_activity:purchase_count")
        .putEntities("user_id", users(1)).build());
    assertThat(before.getServedVersionsList()).containsExactly(1L);

    fixture.writeRegistry(v2);
    server.refreshNow();
    assertThat(server.registry().current().version()).isEqualTo(2);
    GetOnlineFeaturesResponse during = stub.getOnlineFeatures(UNPINNED);
    // purchase_count still comes from version 1; clicks exists only in version 2, which has no data yet.
    assertThat(values(during, "purchase_count").get(0).getInt64Val()).isEqualTo(1);
    assertThat(statuses(during, "purchase_count")).containsExactly(FieldStatus.PRESENT);
    assertThat(statuses(during, "clicks")).containsExactly(FieldStatus.NOT_FOUND);
    assertThat(during.getServedVersionsList()).containsExactly(1L, 2L, 1L);
    assertThat(info("user_activity")).satisfies(i -> {
      assertThat(i.getViewVersion()).isEqualTo(2);
      assertThat(i.getServedVersion()).isEqualTo(1);
      assertThat(i.getVersionsWithDataList()).containsExactly(1L);
    });
    assertThat(server.metrics().scrape()).contains("larder_view_served_version{view=\"user_activity\"} 1.0\n",
        "larder_view_version{view=\"user_activity\"} 2.0\n");
    assertThatThrownBy(() -> stub.getOnlineFeatures(features("user_activity@2:purchase_count")
        .putEntities("user_id", users(1)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).isEqualTo("feature view 'user_activity' version 2 has no online"
              + " data on this server (versions with data: [1]); materialize it or ask for another version");
        });

    fixture.materialize(Catalog.of(v2), "user_activity",
        List.<Object[]>of(new Object[] {1L, minutesAgo(1), 20L, 20.0, "v2", 7L}));
    server.refreshNow();
    GetOnlineFeaturesResponse after = stub.getOnlineFeatures(UNPINNED);
    assertThat(values(after, "purchase_count").get(0).getInt64Val()).isEqualTo(20);
    assertThat(values(after, "clicks").get(0).getInt64Val()).isEqualTo(7);
    assertThat(after.getServedVersionsList()).containsExactly(2L, 2L, 1L);
    assertThat(info("user_activity").getServedVersion()).isEqualTo(2);
    assertThat(info("user_activity").getVersionsWithDataList()).containsExactly(1L, 2L);
    assertThat(server.metrics().scrape()).contains("larder_view_served_version{view=\"user_activity\"} 2.0\n");

    // Pinned: exactly the asked version, by reference or through a service that pins it.
    GetOnlineFeaturesResponse pinned = stub.getOnlineFeatures(features("user_activity@1:purchase_count",
        "user_activity@1:last_category").putEntities("user_id", users(1)).build());
    assertThat(values(pinned, "purchase_count").get(0).getInt64Val()).isEqualTo(1);
    assertThat(values(pinned, "last_category").get(0).getStringVal()).isEqualTo("v1");
    assertThat(pinned.getServedVersionsList()).containsExactly(1L, 1L);
    GetOnlineFeaturesResponse viaService = stub.getOnlineFeatures(service("old_model").putEntities("user_id", users(1))
        .build());
    assertThat(values(viaService, "purchase_count").get(0).getInt64Val()).isEqualTo(1);
    assertThat(viaService.getServedVersionsList()).containsExactly(1L);
  }

  @Test
  void anUnknownPinnedVersionIsNotFound() {
    assertThatThrownBy(() -> stub.getOnlineFeatures(features("user_activity@7:purchase_count")
        .putEntities("user_id", users(1)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("has no version 7");
        });
  }
}
