package dev.larder.serving;

import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.GetServingInfoResponse;
import dev.larder.serving.v1.ListEntitiesRequest;
import dev.larder.serving.v1.ListFeatureServicesRequest;
import dev.larder.serving.v1.ListFeatureViewsRequest;
import dev.larder.serving.v1.ViewServingInfo;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListEntities, ListFeatureViews, ListFeatureServices and GetServingInfo. */
class DiscoveryTest {
  @TempDir
  static Path dir;
  static LarderServer server;
  static ManagedChannel channel;
  static FeatureServingGrpc.FeatureServingBlockingStub stub;
  static long activityRun;

  @BeforeAll
  static void start() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(7));
    activityRun = f.materialize("user_activity", List.<Object[]>of(new Object[] {1L, minutesAgo(1), 1L, 1.0, "a"}));
    String name = InProcessServerBuilder.generateName();
    server = LarderServer.listen(f.config(10), ServingFixture.ONLINE, Clock.systemUTC(),
        InProcessServerBuilder.forName(name), null);
    server.openStore();
    channel = InProcessChannelBuilder.forName(name).build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void listsTheRegistryObjects() {
    assertThat(stub.listEntities(ListEntitiesRequest.getDefaultInstance()).getEntitiesList())
        .extracting(Entity::getName).containsExactly("user", "merchant");
    assertThat(stub.listFeatureViews(ListFeatureViewsRequest.getDefaultInstance()).getFeatureViewsList())
        .extracting(FeatureView::getName).containsExactly("user_activity", "user_profile", "user_merchant", "archive");
    assertThat(stub.listFeatureServices(ListFeatureServicesRequest.getDefaultInstance()).getFeatureServicesList())
        .extracting(FeatureService::getName).containsExactly("fraud_model");
  }

  @Test
  void servingInfoNamesVersionsRunsAndIntervals() {
    GetServingInfoResponse info = stub.getServingInfo(GetServingInfoRequest.getDefaultInstance());

    assertThat(info.getProject()).isEqualTo("shop");
    assertThat(info.getRegistryVersion()).isEqualTo(7);
    assertThat(info.getServerVersion()).isNotEmpty();
    assertThat(info.getViewsList()).extracting(ViewServingInfo::getName)
        .containsExactly("user_activity", "user_profile", "user_merchant");
    ViewServingInfo activity = info.getViews(0);
    assertThat(activity.getViewVersion()).isEqualTo(1);
    assertThat(activity.getDataVersion()).isEqualTo(Long.toString(activityRun));
    assertThat(activity.getMaterializedList()).hasSize(1);
    assertThat(info.getViews(1).getDataVersion()).isEmpty();
  }

  @Test
  void metricsDescribeViewsAndCache() {
    String scrape = server.metrics().scrape();
    assertThat(scrape).contains(
        "larder_view_data_version{view=\"user_activity\"} " + (double) activityRun + "\n",
        "larder_view_data_version{view=\"user_profile\"} 0.0\n",
        "larder_view_version{view=\"user_activity\"} 1.0\n",
        "larder_registry_version 7.0\n",
        "# TYPE larder_cache_hit_ratio gauge\n");
    assertThat(scrape).containsPattern("larder_view_data_age_seconds\\{view=\"user_activity\"\\} [0-9.E]+\n");
    assertThat(scrape).contains("larder_view_data_age_seconds{view=\"user_profile\"} NaN\n");
  }
}
