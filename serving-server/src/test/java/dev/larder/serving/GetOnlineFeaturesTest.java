package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.service;
import static dev.larder.serving.Requests.statuses;
import static dev.larder.serving.Requests.strings;
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

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetOnlineFeatures over real gRPC (in-process) against RocksDB runs written by the real OnlineWriter. */
class GetOnlineFeaturesTest {
  @TempDir
  static Path dir;
  static LarderServer server;
  static ManagedChannel channel;
  static FeatureServingGrpc.FeatureServingBlockingStub stub;

  @BeforeAll
  static void start() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_activity", List.of(
        new Object[] {1L, minutesAgo(10), 5L, 12.5, "books"},
        new Object[] {2L, minutesAgo(10), 7L, null, null},
        new Object[] {3L, minutesAgo(90), 1L, 1.0, "toys"}));
    f.materialize("user_profile", List.of(
        new Object[] {1L, minutesAgo(600), "DE", true},
        new Object[] {2L, minutesAgo(600), "FR", false}));
    f.materialize("user_merchant", List.of(
        new Object[] {1L, "m1", minutesAgo(5), 3L},
        new Object[] {1L, "m2", minutesAgo(5), 4L}));
    // One hour after materialization: user 3's row (90 minutes old then) is now past user_activity's 2h TTL.
    Clock clock = Clock.fixed(ServingFixture.NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC);
    String name = InProcessServerBuilder.generateName();
    server = LarderServer.listen(f.config(1000), ServingFixture.ONLINE, clock, InProcessServerBuilder.forName(name), null);
    server.openStore();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  static GetOnlineFeaturesResponse get(GetOnlineFeaturesRequest.Builder request) {
    return stub.getOnlineFeatures(request.build());
  }

  @Test
  void everyStatus() {
    GetOnlineFeaturesResponse r = get(features("user_activity:purchase_count", "user_activity:avg_amount")
        .putEntities("user_id", users(1, 2, 3, 4)));

    assertThat(r.getFeatureNamesList()).containsExactly("purchase_count", "avg_amount");
    assertThat(statuses(r, "purchase_count")).containsExactly(PRESENT, PRESENT, OUTSIDE_MAX_AGE, NOT_FOUND);
    assertThat(statuses(r, "avg_amount")).containsExactly(PRESENT, NULL_VALUE, OUTSIDE_MAX_AGE, NOT_FOUND);
    assertThat(values(r, "purchase_count").subList(0, 3)).extracting(Value::getInt64Val).containsExactly(5L, 7L, 1L);
    assertThat(values(r, "avg_amount").get(0).getDoubleVal()).isEqualTo(12.5);
    assertThat(values(r, "avg_amount").get(1)).isEqualTo(Values.NULL);
    assertThat(values(r, "purchase_count").get(3).getValCase()).isEqualTo(Value.ValCase.VAL_NOT_SET);
    assertThat(vector(r, "purchase_count").getEventTimestampsList()).extracting(Timestamps::fromProto)
        .containsExactly(minutesAgo(10), minutesAgo(10), minutesAgo(90), 0L);
  }

  @Test
  void wholeViewWithFullFeatureNames() {
    GetOnlineFeaturesResponse r = get(features("user_profile").putEntities("user_id", users(2)).setFullFeatureNames(true));

    assertThat(r.getFeatureNamesList()).containsExactly("user_profile__country", "user_profile__vip");
    assertThat(values(r, "user_profile__country").get(0).getStringVal()).isEqualTo("FR");
    assertThat(values(r, "user_profile__vip").get(0).getBoolVal()).isFalse();
    // No TTL: a ten-hour-old row is still PRESENT.
    assertThat(statuses(r, "user_profile__vip")).containsExactly(PRESENT);
  }

  @Test
  void featureServiceReadsSeveralViewsInOneRequest() {
    GetOnlineFeaturesResponse r = get(service("fraud_model")
        .putEntities("user_id", users(1, 2)).putEntities("merchant_id", strings("m2", "m2")));

    assertThat(r.getFeatureNamesList()).containsExactly("purchase_count", "country", "vip", "txn_count");
    assertThat(values(r, "purchase_count")).extracting(Value::getInt64Val).containsExactly(5L, 7L);
    assertThat(values(r, "country")).extracting(Value::getStringVal).containsExactly("DE", "FR");
    assertThat(statuses(r, "txn_count")).containsExactly(PRESENT, NOT_FOUND);
    assertThat(values(r, "txn_count").get(0).getInt64Val()).isEqualTo(4L);
  }

  @Test
  void multiKeyEntity() {
    GetOnlineFeaturesResponse r = get(features("user_merchant:txn_count")
        .putEntities("user_id", users(1, 1, 2)).putEntities("merchant_id", strings("m1", "m2", "m1")));

    assertThat(statuses(r, "txn_count")).containsExactly(PRESENT, PRESENT, NOT_FOUND);
    assertThat(values(r, "txn_count").subList(0, 2)).extracting(Value::getInt64Val).containsExactly(3L, 4L);
  }

  @Test
  void repeatedEntitiesAndRepeatedRequestsGiveTheSameAnswer() {
    GetOnlineFeaturesRequest.Builder request = features("user_activity:last_category", "user_profile:country")
        .putEntities("user_id", users(1, 4, 1, 1));
    GetOnlineFeaturesResponse first = get(request);
    GetOnlineFeaturesResponse cached = get(request);

    assertThat(cached).isEqualTo(first);
    assertThat(values(first, "last_category")).extracting(Value::getStringVal).containsExactly("books", "", "books", "books");
    assertThat(statuses(first, "country")).containsExactly(PRESENT, NOT_FOUND, PRESENT, PRESENT);
  }

  @Test
  void responseOrderFollowsTheReferences() {
    GetOnlineFeaturesResponse r = get(features("user_profile:vip", "user_activity:purchase_count", "user_profile:country")
        .putEntities("user_id", users(1)));

    assertThat(r.getFeatureNamesList()).containsExactly("vip", "purchase_count", "country");
    assertThat(r.getResults(1).getValues(0).getInt64Val()).isEqualTo(5L);
  }

  @Test
  void unknownViewFeatureOrServiceIsNotFound() {
    assertRefused(features("nope:x").putEntities("user_id", users(1)), Status.Code.NOT_FOUND, "'nope'");
    assertRefused(features("user_activity:nope").putEntities("user_id", users(1)), Status.Code.NOT_FOUND,
        "'user_activity'", "'nope'");
    assertRefused(service("nope").putEntities("user_id", users(1)), Status.Code.NOT_FOUND, "feature service 'nope'");
  }

  @Test
  void overlongNamesAreInvalidArgumentAndControlCharactersAreEscaped() {
    String huge = "s".repeat(2_000_000);
    assertThatThrownBy(() -> get(service(huge).putEntities("user_id", users(1))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("2000000 characters long; names are at most 128")
              .contains("(1999744 more characters)").hasSizeLessThan(600);
        });
    assertRefused(features("user_activity:" + "x".repeat(300)).putEntities("user_id", users(1)),
        Status.Code.INVALID_ARGUMENT, "feature ref", "names are at most 128");
    // A name that would forge a log line reaches statuses (and logs) escaped, on one line.
    assertThatThrownBy(() -> get(service("nope\0\nlevel=INFO event=forged").putEntities("user_id", users(1))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("nope\\u0000\\nlevel=INFO").doesNotContain("\n");
        });
    assertThat(get(features("user_activity").putEntities("user_id", users(1))).getResultsCount()).isPositive();
  }

  @Test
  void undecodableRequestBytesAreInvalidArgument() {
    io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(java.io.InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    io.grpc.MethodDescriptor<byte[], byte[]> method = FeatureServingGrpc.getGetOnlineFeaturesMethod().toBuilder(raw, raw).build();
    // 0xff is field 31 with wire type 7, which is never valid.
    assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, method, io.grpc.CallOptions.DEFAULT,
        new byte[] {(byte) 0xff, 1, 2}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("not a valid larder.serving.v1.GetOnlineFeaturesRequest");
        });
    // The discovery methods too (they were UNKNOWN with a SEVERE stack trace in the log).
    for (io.grpc.MethodDescriptor<?, ?> m : List.of(FeatureServingGrpc.getListEntitiesMethod(),
        FeatureServingGrpc.getListFeatureViewsMethod(), FeatureServingGrpc.getListFeatureServicesMethod(),
        FeatureServingGrpc.getGetServingInfoMethod())) {
      io.grpc.MethodDescriptor<byte[], byte[]> rawMethod = m.toBuilder(raw, raw).build();
      assertThatThrownBy(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(channel, rawMethod,
          io.grpc.CallOptions.DEFAULT, new byte[] {(byte) 0xff, 1, 2}))
          .as(m.getFullMethodName())
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("the request is not a valid larder.serving.v1.");
          });
    }
    assertThat(stub.listEntities(dev.larder.serving.v1.ListEntitiesRequest.getDefaultInstance()).getEntitiesCount())
        .isPositive();
  }

  @Test
  void wrongJoinKeyTypeIsInvalidArgument() {
    assertRefused(features("user_activity:purchase_count").putEntities("user_id", strings("1")),
        Status.Code.INVALID_ARGUMENT, "'user_id'", "int64", "got string");
  }

  @Test
  void missingJoinKeyIsInvalidArgument() {
    assertRefused(features("user_merchant:txn_count").putEntities("user_id", users(1)),
        Status.Code.INVALID_ARGUMENT, "'merchant_id'", "string");
    assertRefused(features("user_activity:purchase_count").putEntities("user_id",
        RepeatedValue.newBuilder().addValues(Value.getDefaultInstance()).build()),
        Status.Code.INVALID_ARGUMENT, "'user_id'", "int64");
  }

  @Test
  void columnsOfDifferentLengthsAreInvalidArgument() {
    assertRefused(features("user_merchant:txn_count").putEntities("user_id", users(1, 2))
        .putEntities("merchant_id", strings("m1")), Status.Code.INVALID_ARGUMENT, "different lengths");
  }

  @Test
  void tooManyEntitiesNamesTheLimit() {
    long[] ids = new long[101];
    assertRefused(features("user_activity:purchase_count").putEntities("user_id", users(ids)),
        Status.Code.INVALID_ARGUMENT, "101", "server.max_entities_per_request", "100");
  }

  @Test
  void offlineViewAndEmptyRequestAreRefused() {
    assertRefused(features("archive:score").putEntities("user_id", users(1)), Status.Code.FAILED_PRECONDITION,
        "'archive'", "not served online");
    assertRefused(GetOnlineFeaturesRequest.newBuilder().putEntities("user_id", users(1)),
        Status.Code.INVALID_ARGUMENT, "no features");
  }

  @Test
  void aMistypedFeatureOrViewGetsTheClosestNameAndABareFeatureNameIsAccepted() {
    assertRefused(features("user_activity:purchase_cuont").putEntities("user_id", users(1)), Status.Code.NOT_FOUND,
        "feature view 'user_activity' has no feature 'purchase_cuont'; did you mean 'purchase_count'?");
    assertRefused(features("user_activty:purchase_count").putEntities("user_id", users(1)), Status.Code.NOT_FOUND,
        "unknown feature view 'user_activty'; did you mean 'user_activity'?");
    assertRefused(features("user_activity:zzz").putEntities("user_id", users(1)), Status.Code.NOT_FOUND,
        "has no feature 'zzz'; it has: purchase_count, avg_amount, last_category");
    GetOnlineFeaturesResponse r = get(features("txn_count", "country").putEntities("user_id", users(1))
        .putEntities("merchant_id", strings("m1")));
    assertThat(r.getFeatureNamesList()).containsExactly("txn_count", "country");
  }

  @Test
  void errorsAreCountedByMethodAndCode() {
    String method = FeatureServingGrpc.getGetOnlineFeaturesMethod().getFullMethodName();
    long before = server.metrics().callCount(method, Status.Code.NOT_FOUND);
    assertRefused(features("missing_view").putEntities("user_id", users(1)), Status.Code.NOT_FOUND, "missing_view");
    assertThat(server.metrics().callCount(method, Status.Code.NOT_FOUND)).isEqualTo(before + 1);
    assertThat(server.metrics().scrape()).contains("larder_requests_total{code=\"OK\",method=\"" + method + "\"}");
  }

  @Test
  void emptyEntityColumnsGiveEmptyVectors() {
    GetOnlineFeaturesResponse r = get(features("user_activity:purchase_count").putEntities("user_id", users()));
    assertThat(r.getResultsList()).hasSize(1);
    assertThat(r.getResults(0).getValuesList()).isEmpty();
  }

  private static void assertRefused(GetOnlineFeaturesRequest.Builder request, Status.Code code, String... mentions) {
    List<String> parts = new ArrayList<>(List.of(mentions));
    assertThatThrownBy(() -> get(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(parts);
        });
  }
}
