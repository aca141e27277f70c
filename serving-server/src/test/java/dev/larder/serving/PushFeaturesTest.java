package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.service;
import static dev.larder.serving.Requests.statuses;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.Requests.values;
import static dev.larder.serving.Requests.vector;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static dev.larder.serving.v1.FieldStatus.NOT_FOUND;
import static dev.larder.serving.v1.FieldStatus.NULL_VALUE;
import static dev.larder.serving.v1.FieldStatus.OUTSIDE_MAX_AGE;
import static dev.larder.serving.v1.FieldStatus.PRESENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.PushSource;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.registry.Catalog;
import dev.larder.serving.auth.TokenFile;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.serving.v1.PushFeaturesResponse;
import dev.larder.time.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PushFeatures over real gRPC (in-process) into the real fresh layer (RocksDB in a temp dir), read back through
 * GetOnlineFeatures, merged with a run written by the real OnlineWriter.
 */
class PushFeaturesTest {
  static final Field TS = Field.newBuilder().setName("ts").setType(ValueType.TIMESTAMP).build();

  @TempDir
  Path dir;
  ServingFixture f;
  LarderServer server;
  ManagedChannel channel;
  FeatureServingGrpc.FeatureServingBlockingStub stub;

  /** The fixture's registry plus a push source, the push view {@code user_clicks} (ttl 1h) and a service over it. */
  static Registry registry() {
    return ServingFixture.registry(1).toBuilder()
        .addSources(Source.newBuilder().setName("clicks").setPush(PushSource.getDefaultInstance())
            .setTimestampField("ts").addSchema(ServingFixture.USER_ID).addSchema(TS)
            .addSchema(field("clicks", ValueType.INT64)).addSchema(field("last_page", ValueType.STRING)))
        .addFeatureViews(FeatureView.newBuilder().setName("user_clicks").addEntities("user").setSource("clicks")
            .setTtl("1h").addFeatures(ServingFixture.feature("clicks", ValueType.INT64))
            .addFeatures(ServingFixture.feature("last_page", ValueType.STRING)))
        .addFeatureServices(FeatureService.newBuilder().setName("ranking").addFeatures("user_clicks")
            .addFeatures("user_profile:country"))
        .build();
  }

  static Field field(String name, ValueType type) {
    return Field.newBuilder().setName(name).setType(type).build();
  }

  void start(SecurityConfig security) throws Exception {
    f = new ServingFixture(dir);
    f.writeRegistry(registry());
    f.materialize("user_profile", List.<Object[]>of(new Object[] {1L, minutesAgo(600), "DE", true}));
    Clock clock = Clock.fixed(ServingFixture.NOW, ZoneOffset.UTC);
    String name = InProcessServerBuilder.generateName();
    ServerConfig config = security == null ? f.config(1000) : f.config(1000).withSecurity(security);
    server = LarderServer.listen(config, ServingFixture.ONLINE, clock, InProcessServerBuilder.forName(name), null);
    server.openStore();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  static PushFeaturesRequest push(long[] users, long[] eventMicros, Long[] clicks, String[] pages) {
    RepeatedValue.Builder ids = RepeatedValue.newBuilder();
    RepeatedValue.Builder ts = RepeatedValue.newBuilder();
    RepeatedValue.Builder c = RepeatedValue.newBuilder();
    RepeatedValue.Builder p = RepeatedValue.newBuilder();
    for (int i = 0; i < users.length; i++) {
      ids.addValues(ServingFixture.int64(users[i]));
      ts.addValues(Value.newBuilder().setTimestampVal(Timestamps.toProto(eventMicros[i])));
      c.addValues(clicks[i] == null ? dev.larder.value.Values.NULL : ServingFixture.int64(clicks[i]));
      p.addValues(ServingFixture.string(pages[i]));
    }
    return PushFeaturesRequest.newBuilder().setFeatureView("user_clicks").putColumns("user_id", ids.build())
        .putColumns("ts", ts.build()).putColumns("clicks", c.build()).putColumns("last_page", p.build()).build();
  }

  static PushFeaturesRequest push(long user, long eventMicros, long clicks, String page) {
    return push(new long[] {user}, new long[] {eventMicros}, new Long[] {clicks}, new String[] {page});
  }

  GetOnlineFeaturesResponse clicksOf(long... users) {
    return stub.getOnlineFeatures(features("user_clicks").putEntities("user_id", users(users)).build());
  }

  @Test
  void anAcknowledgedPushIsServedByTheNextLookupAndThroughAService() throws Exception {
    start(null);
    assertThat(statuses(clicksOf(1), "clicks")).containsExactly(NOT_FOUND);

    PushFeaturesResponse ack = stub.pushFeatures(push(new long[] {1, 2}, new long[] {minutesAgo(1), minutesAgo(2)},
        new Long[] {3L, null}, new String[] {"/home", "/cart"}));

    assertThat(ack.getRowsWritten()).isEqualTo(2);
    assertThat(ack.getViewVersion()).isEqualTo(1);
    GetOnlineFeaturesResponse r = clicksOf(1, 2, 3);
    assertThat(statuses(r, "clicks")).containsExactly(PRESENT, NULL_VALUE, NOT_FOUND);
    assertThat(values(r, "clicks").get(0).getInt64Val()).isEqualTo(3);
    assertThat(values(r, "last_page").get(1).getStringVal()).isEqualTo("/cart");
    assertThat(vector(r, "clicks").getEventTimestampsList().subList(0, 2)).extracting(Timestamps::fromProto)
        .containsExactly(minutesAgo(1), minutesAgo(2));
    GetOnlineFeaturesResponse viaService = stub.getOnlineFeatures(service("ranking")
        .putEntities("user_id", users(1)).build());
    assertThat(values(viaService, "last_page").get(0).getStringVal()).isEqualTo("/home");
    assertThat(values(viaService, "country").get(0).getStringVal()).isEqualTo("DE");
  }

  @Test
  void theNewestEventTimeWinsOverRunsAndEarlierPushesAndNeverGoesBackwards() throws Exception {
    start(null);
    // A materialized run of the push view (what a later fold would write): user 1 as of 5 minutes ago.
    f.materialize(Catalog.of(registry()), "user_clicks", List.<Object[]>of(new Object[] {1L, minutesAgo(5), 10L, "/run"}));
    server.refreshNow();
    assertThat(values(clicksOf(1), "last_page").get(0).getStringVal()).isEqualTo("/run");

    stub.pushFeatures(push(1, minutesAgo(10), 1, "/older-than-run"));
    assertThat(values(clicksOf(1), "last_page").get(0).getStringVal()).isEqualTo("/run");

    stub.pushFeatures(push(1, minutesAgo(1), 2, "/newest"));
    stub.pushFeatures(push(1, minutesAgo(3), 3, "/late-arrival"));
    GetOnlineFeaturesResponse r = clicksOf(1, 1);
    assertThat(values(r, "last_page")).extracting(Value::getStringVal).containsExactly("/newest", "/newest");
    assertThat(values(r, "clicks").get(0).getInt64Val()).isEqualTo(2);
  }

  @Test
  void pushesAreIdempotentOnKeyAndEventTimeAndSurviveARestart() throws Exception {
    start(null);
    PushFeaturesRequest request = push(7, minutesAgo(2), 4, "/again");
    stub.pushFeatures(request);
    stub.pushFeatures(request);
    stub.pushFeatures(request);
    assertThat(values(clicksOf(7), "clicks").get(0).getInt64Val()).isEqualTo(4);
    Path layer = f.onlineDir.resolve("user_clicks/v1/fresh");
    assertThat(layer).isDirectory();

    stop();
    channel = null;
    server = null;
    start(null);

    GetOnlineFeaturesResponse r = clicksOf(7);
    assertThat(statuses(r, "clicks")).containsExactly(PRESENT);
    assertThat(values(r, "last_page").get(0).getStringVal()).isEqualTo("/again");
  }

  @Test
  void theTtlRuleIsTheSameAsForMaterializedRows() throws Exception {
    start(null);
    stub.pushFeatures(push(5, minutesAgo(61), 1, "/stale"));
    assertThat(statuses(clicksOf(5), "clicks")).containsExactly(OUTSIDE_MAX_AGE);
  }

  @Test
  void aBadRowRefusesTheWholeBatchNamingRowAndColumn() throws Exception {
    start(null);
    PushFeaturesRequest good = push(new long[] {1, 2}, new long[] {minutesAgo(1), minutesAgo(1)},
        new Long[] {1L, 2L}, new String[] {"/a", "/b"});
    RepeatedValue badClicks = RepeatedValue.newBuilder().addValues(ServingFixture.int64(1))
        .addValues(ServingFixture.string("two")).build();
    PushFeaturesRequest bad = good.toBuilder().putColumns("clicks", badClicks).build();

    Status s = refusal(() -> stub.pushFeatures(bad));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("row 1, column 'clicks'").contains("expected int64, got string");
    assertThat(statuses(clicksOf(1, 2), "clicks")).containsExactly(NOT_FOUND, NOT_FOUND);

    RepeatedValue noTime = RepeatedValue.newBuilder().addValues(Value.newBuilder().setTimestampVal(
        Timestamps.toProto(minutesAgo(1)))).addValues(dev.larder.value.Values.NULL).build();
    Status t = refusal(() -> stub.pushFeatures(good.toBuilder().putColumns("ts", noTime).build()));
    assertThat(t.getDescription()).contains("row 1, column 'ts'").contains("expected a timestamp");

    Status extra = refusal(() -> stub.pushFeatures(good.toBuilder().putColumns("clickz", badClicks).build()));
    assertThat(extra.getDescription()).contains("column 'clickz' is not a column of push view 'user_clicks'");

    Status key = refusal(() -> stub.pushFeatures(good.toBuilder().putColumns("user_id",
        RepeatedValue.newBuilder().addValues(ServingFixture.int64(1)).addValues(ServingFixture.string("x")).build())
        .build()));
    assertThat(key.getDescription()).startsWith("row 1: ").contains("user_id");
    assertThat(statuses(clicksOf(1, 2), "clicks")).containsExactly(NOT_FOUND, NOT_FOUND);
  }

  @Test
  void onlyPushViewsAcceptPushes() throws Exception {
    start(null);
    Status notPush = refusal(() -> stub.pushFeatures(PushFeaturesRequest.newBuilder().setFeatureView("user_profile")
        .build()));
    assertThat(notPush.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(notPush.getDescription()).contains("'user_profile' is not a push view");
    Status unknown = refusal(() -> stub.pushFeatures(PushFeaturesRequest.newBuilder().setFeatureView("nope").build()));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aReadTokenCannotPushAndAWriteGrantNamesTheView() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, TokenFile.hashText("reader-secret-1") + " name=reader views=*\n"
        + TokenFile.hashText("writer-secret-2") + " name=click-stream views=user_clicks writes=user_clicks\n");
    start(new SecurityConfig(null, null, null, tokens, Set.of("grpc.health.v1.Health")));

    Status denied = refusal(() -> withToken("reader-secret-1").pushFeatures(push(1, minutesAgo(1), 1, "/x")));
    assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getDescription()).contains("token 'reader' may not push to feature view 'user_clicks'");
    assertThat(statuses(withToken("reader-secret-1").getOnlineFeatures(features("user_clicks")
        .putEntities("user_id", users(1)).build()), "clicks")).containsExactly(NOT_FOUND);

    withToken("writer-secret-2").pushFeatures(push(1, minutesAgo(1), 1, "/x"));
    assertThat(statuses(withToken("reader-secret-1").getOnlineFeatures(features("user_clicks")
        .putEntities("user_id", users(1)).build()), "clicks")).containsExactly(PRESENT);
  }

  FeatureServingGrpc.FeatureServingBlockingStub withToken(String token) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  static Status refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call was not refused");
  }
}
