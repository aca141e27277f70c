package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.Requests.values;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.ValueType;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.ListFeatureViewsRequest;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New materialization runs and registry versions become visible without a restart, and never go backwards. */
class ReloadTest {
  @TempDir
  Path dir;
  ServingFixture fixture;
  LarderServer server;
  ManagedChannel channel;
  FeatureServingGrpc.FeatureServingBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    fixture = new ServingFixture(dir);
    fixture.writeRegistry(ServingFixture.registry(1));
    fixture.materialize("user_activity", List.<Object[]>of(activity(1, 1)));
    String name = InProcessServerBuilder.generateName();
    server = LarderServer.listen(fixture.config(1000), ServingFixture.ONLINE, Clock.systemUTC(),
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

  /** Run {@code n} writes purchase_count n and avg_amount n, so a response mixing two runs is detectable. */
  private static Object[] activity(long user, long n) {
    return new Object[] {user, minutesAgo(1), n, (double) n, "run" + n};
  }

  private static final GetOnlineFeaturesRequest REQUEST = features("user_activity:purchase_count",
      "user_activity:avg_amount", "user_activity:last_category").putEntities("user_id", users(1)).build();

  private long purchaseCount() {
    return stub.getOnlineFeatures(REQUEST).getResults(0).getValues(0).getInt64Val();
  }

  @Test
  void newRunIsServedAfterRefreshAndTheCacheNeverAnswersWithOlderValues() throws Exception {
    assertThat(purchaseCount()).isEqualTo(1);
    assertThat(purchaseCount()).isEqualTo(1); // now cached
    for (long run = 2; run <= 4; run++) {
      long id = fixture.materialize("user_activity", List.<Object[]>of(activity(1, run)));
      server.refreshNow();
      // Rows cached for the previous run are dropped at the swap, not only made unreachable.
      assertThat(server.metrics().scrape()).contains("larder_cache_entries 0.0\n");
      assertThat(purchaseCount()).isEqualTo(run);
      assertThat(stub.getServingInfo(GetServingInfoRequest.getDefaultInstance()).getViewsList())
          .filteredOn(v -> v.getName().equals("user_activity"))
          .singleElement().satisfies(v -> assertThat(v.getDataVersion()).isEqualTo(Long.toString(id)));
    }
    assertThat(server.metrics().scrape()).contains("larder_data_swaps_total 3.0\n");
  }

  @Test
  void concurrentReadersSeeWholeRunsInOrder() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    List<String> problems = new CopyOnWriteArrayList<>();
    List<Long> seen = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      long last = 0;
      while (!done.get()) {
        GetOnlineFeaturesResponse r = stub.getOnlineFeatures(REQUEST);
        long count = values(r, "purchase_count").get(0).getInt64Val();
        double avg = values(r, "avg_amount").get(0).getDoubleVal();
        String category = values(r, "last_category").get(0).getStringVal();
        if (avg != count || !category.equals("run" + count)) {
          problems.add("mixed runs: " + count + " " + avg + " " + category);
        }
        if (count < last) {
          problems.add("went back from " + last + " to " + count);
        }
        last = count;
        seen.add(count);
      }
    });
    reader.start();
    for (long run = 2; run <= 5; run++) {
      fixture.materialize("user_activity", List.<Object[]>of(activity(1, run)));
      server.refreshNow();
    }
    Thread.sleep(50);
    done.set(true);
    reader.join();

    assertThat(problems).isEmpty();
    assertThat(seen).isNotEmpty().last().isEqualTo(5L);
  }

  @Test
  void validRegistryIsLoadedAndBrokenOnesAreRefused() throws Exception {
    Registry v2 = ServingFixture.registry(2).toBuilder()
        .addFeatureViews(FeatureView.newBuilder().setName("user_extra").addEntities("user")
            .addFeatures(ServingFixture.feature("clicks", ValueType.INT64)))
        .build();
    fixture.writeRegistry(v2);
    server.refreshNow();

    assertThat(viewNames()).contains("user_extra");
    assertThat(stub.getServingInfo(GetServingInfoRequest.getDefaultInstance()).getRegistryVersion()).isEqualTo(2);
    assertThat(purchaseCount()).isEqualTo(1);

    Files.write(fixture.registryPath, new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
    server.refreshNow();
    Registry unknownEntity = ServingFixture.registry(3).toBuilder()
        .addFeatureViews(FeatureView.newBuilder().setName("orphan").addEntities("ghost")
            .addFeatures(ServingFixture.feature("x", ValueType.INT64)))
        .build();
    fixture.writeRegistry(unknownEntity);
    server.refreshNow();

    assertThat(server.registry().current().version()).isEqualTo(2);
    assertThat(viewNames()).contains("user_extra").doesNotContain("orphan");
    assertThat(purchaseCount()).isEqualTo(1);
    assertThat(server.metrics().scrape())
        .contains("larder_registry_reloads_total{result=\"ok\"} 1.0\n", "larder_registry_reloads_total{result=\"refused\"} 2.0\n");
  }

  private List<String> viewNames() {
    List<String> names = new ArrayList<>();
    stub.listFeatureViews(ListFeatureViewsRequest.getDefaultInstance()).getFeatureViewsList()
        .forEach(v -> names.add(v.getName()));
    return names;
  }
}
