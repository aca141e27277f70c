package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.service;
import static dev.larder.serving.Requests.strings;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.larder.serving.auth.TokenFile;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.GetServingInfoRequest;
import dev.larder.serving.v1.GetServingInfoResponse;
import dev.larder.serving.v1.ListFeatureServicesRequest;
import dev.larder.serving.v1.ListFeatureServicesResponse;
import dev.larder.serving.v1.ListFeatureViewsRequest;
import dev.larder.serving.v1.ListFeatureViewsResponse;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/JSON API of a server on real ports (Netty for gRPC and HTTP), checked against the gRPC answers to
 * the same requests: equal responses, equal refusals, and the same limits, tokens, TLS and metrics.
 */
class HttpApiTest {
  private static final String PROFILE_TOKEN = "profile-reader-secret-4f1d";

  @TempDir
  static Path dir;
  static ServingFixture fixture;
  static LarderServer server;
  static ManagedChannel channel;
  static FeatureServingGrpc.FeatureServingBlockingStub grpc;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    fixture = new ServingFixture(dir);
    fixture.writeRegistry(ServingFixture.registry(1));
    fixture.materialize("user_activity", List.of(
        new Object[] {1L, minutesAgo(10), 5L, 12.5, "books"},
        new Object[] {2L, minutesAgo(10), 7L, null, null}));
    fixture.materialize("user_profile", List.of(
        new Object[] {1L, minutesAgo(600), "DE", true},
        new Object[] {2L, minutesAgo(600), "FR", false}));
    fixture.materialize("user_merchant", List.<Object[]>of(new Object[] {1L, "m1", minutesAgo(5), 3L}));
    server = LarderServer.start(fixture.config(1000).withHttpPort(freePort()), ServingFixture.ONLINE);
    channel = NettyChannelBuilder.forAddress("localhost", server.port(), InsecureChannelCredentials.create()).build();
    grpc = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void lookupsAnswerExactlyAsGrpcDoes() throws Exception {
    List<GetOnlineFeaturesRequest> requests = List.of(
        // present, null and not-found values, and outside the TTL (the fixture's data is old)
        features("user_activity:purchase_count", "user_activity:avg_amount", "user_profile")
            .putEntities("user_id", users(1, 2, 99)).build(),
        service("fraud_model").putEntities("user_id", users(1, 2)).putEntities("merchant_id", strings("m1", "m2"))
            .setFullFeatureNames(true).build(),
        features("user_profile:vip").putEntities("user_id", users()).build());
    for (GetOnlineFeaturesRequest request : requests) {
      GetOnlineFeaturesResponse fromGrpc = grpc.withDeadlineAfter(10, TimeUnit.SECONDS).getOnlineFeatures(request);
      HttpResponse<String> http = post(JsonFormat.printer().print(request));
      assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
      assertThat(http.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(parse(http.body(), GetOnlineFeaturesResponse.newBuilder())).isEqualTo(fromGrpc);
    }
    // Snake-case names are printed; the statuses are the enum names.
    String body = post("{\"features\":{\"refs\":[\"user_profile:country\"]},\"entities\":{\"user_id\":"
        + "{\"values\":[{\"int64_val\":\"1\"},{\"int64_val\":\"99\"}]}}}").body();
    assertThat(body).contains("\"feature_names\":[\"country\"]", "\"string_val\":\"DE\"", "\"NOT_FOUND\"");
    assertThat(server.metrics().callCount("POST /v1/features:get", Status.Code.OK)).isGreaterThanOrEqualTo(4);
  }

  /**
   * The lookup route's body is, byte for byte, what JsonFormat prints for the gRPC answer (the route printed
   * with JsonFormat until the direct writer replaced it), and the server's own response bytes take the direct
   * writer, not its fallback.
   */
  @Test
  void lookupBodiesAreJsonFormatsTextWrittenDirectly() throws Exception {
    var method = FeatureServingGrpc.getGetOnlineFeaturesMethod();
    var raw = method.toBuilder(method.getRequestMarshaller(), new io.grpc.MethodDescriptor.Marshaller<byte[]>() {
      @Override
      public InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }).build();
    JsonFormat.Printer before = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    List<GetOnlineFeaturesRequest> requests = List.of(
        features("user_activity:purchase_count", "user_activity:avg_amount", "user_activity:last_category",
            "user_profile").putEntities("user_id", users(1, 2, 99)).build(),
        service("fraud_model").putEntities("user_id", users(1, 2)).putEntities("merchant_id", strings("m1", "m2"))
            .setFullFeatureNames(true).build(),
        features("user_profile:vip").putEntities("user_id", users()).build());
    for (GetOnlineFeaturesRequest request : requests) {
      byte[] wire = io.grpc.stub.ClientCalls.blockingUnaryCall(channel, raw,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
      String expected = before.print(GetOnlineFeaturesResponse.parseFrom(wire));
      assertThat(dev.larder.serving.http.DirectJson.print(wire)).isEqualTo(expected);
      HttpResponse<String> http = post(JsonFormat.printer().print(request));
      assertThat(http.body()).isEqualTo(expected);
    }
  }

  @Test
  void refusalsCarryTheGrpcMessageWithTheHttpStatus() throws Exception {
    record Case(GetOnlineFeaturesRequest request, int httpStatus, Status.Code code) {}
    List<Case> cases = List.of(
        new Case(features("user_activity:nope").putEntities("user_id", users(1)).build(), 404, Status.Code.NOT_FOUND),
        new Case(service("no_such_service").putEntities("user_id", users(1)).build(), 404, Status.Code.NOT_FOUND),
        new Case(features("user_profile").putEntities("merchant_id", strings("m1")).build(), 400,
            Status.Code.INVALID_ARGUMENT),
        new Case(features("archive:score").putEntities("user_id", users(1)).build(), 400, Status.Code.FAILED_PRECONDITION),
        // the server's max_entities_per_request is 100 in the fixture
        new Case(features("user_profile").putEntities("user_id", users(new long[101])).build(), 400,
            Status.Code.INVALID_ARGUMENT));
    for (Case c : cases) {
      Status grpcStatus = refusal(c.request());
      assertThat(grpcStatus.getCode()).isEqualTo(c.code());
      HttpResponse<String> http = post(JsonFormat.printer().print(c.request()));
      assertThat(http.statusCode()).as(http.body()).isEqualTo(c.httpStatus());
      assertThat(http.body()).contains("\"status\":\"" + c.code().name() + "\"")
          .contains(grpcStatus.getDescription().replace("\"", "\\\""));
    }
    assertThat(post("{\"features\":{\"refs\":[\"user_activity:nope\"]}}").body()).contains("user_activity", "no feature 'nope'");
    assertThat(server.metrics().callCount("POST /v1/features:get", Status.Code.NOT_FOUND)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void badJsonIs400WithTheParseError() throws Exception {
    HttpResponse<String> truncated = post("{\"features\": {\"refs\": [\"user_profile\"");
    assertThat(truncated.statusCode()).isEqualTo(400);
    assertThat(truncated.body()).contains("INVALID_ARGUMENT", "not a larder.serving.v1.GetOnlineFeaturesRequest in JSON");
    HttpResponse<String> unknownField = post("{\"feature_refs\": [\"user_profile\"]}");
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.body()).contains("feature_refs");
    HttpResponse<String> wrongType = post("{\"entities\":{\"user_id\":{\"values\":[{\"int64_val\":\"abc\"}]}}}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("abc");
  }

  @Test
  void discoveryRoutesAnswerAsTheirGrpcMethods() throws Exception {
    assertThat(parse(get("/v1/views").body(), ListFeatureViewsResponse.newBuilder()))
        .isEqualTo(grpc.listFeatureViews(ListFeatureViewsRequest.getDefaultInstance()));
    assertThat(parse(get("/v1/services").body(), ListFeatureServicesResponse.newBuilder()))
        .isEqualTo(grpc.listFeatureServices(ListFeatureServicesRequest.getDefaultInstance()));
    assertThat(parse(get("/v1/info").body(), GetServingInfoResponse.newBuilder()))
        .isEqualTo(grpc.getServingInfo(GetServingInfoRequest.getDefaultInstance()));
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").body()).contains("SERVING");
    assertThat(get("/v1/nothing").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = get("/v1/features:get");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void requestsOverTheSizeLimitAre413() throws Exception {
    String huge = "{\"feature_service\":\"" + "x".repeat(5 << 20) + "\"}";
    assertThat(post(huge).statusCode()).isEqualTo(413);
  }

  @Test
  void pipelinedRequestsOnAPoolAreAnsweredInOrder() throws Exception {
    ServerConfig pool = new ServerConfig("shop", fixture.registryPath, fixture.onlineDir, 0, 0, 1000,
        Duration.ofMinutes(10), 100, 4 << 20, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(2),
        false, 2);
    try (LarderServer s = LarderServer.start(pool.withHttpPort(freePort()), ServingFixture.ONLINE)) {
      assertPipelinedAnswersInOrder(s.httpPort());
    }
  }

  /**
   * On the event loops (the default executor), answers are flushed once per read: twenty pipelined requests
   * read together must all be answered, in order, without waiting for another read.
   */
  @Test
  void pipelinedRequestsOnTheEventLoopAreAnsweredInOrder() throws Exception {
    assertPipelinedAnswersInOrder(server.httpPort());
  }

  private static void assertPipelinedAnswersInOrder(int port) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
      // Twenty requests written at once, before any answer is read (HTTP/1.1 pipelining), alternating two users.
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        String body = "{\"features\":{\"refs\":[\"user_profile:country\"]},\"entities\":{\"user_id\":"
            + "{\"values\":[{\"int64_val\":\"" + (i % 2 + 1) + "\"}]}}}";
        requests.append("POST /v1/features:get HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n")
            .append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
      }
      socket.getOutputStream().write(requests.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      socket.setSoTimeout(10_000);
      java.io.InputStream in = socket.getInputStream();
      StringBuilder answers = new StringBuilder();
      byte[] buf = new byte[8192];
      while (countOf(answers, "\"string_val\"") < 20) {
        int n = in.read(buf);
        assertThat(n).as("connection closed after: " + answers).isPositive();
        answers.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
      }
      List<String> countries = new java.util.ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"string_val\":\"(\\w+)\"").matcher(answers);
      while (m.find()) {
        countries.add(m.group(1));
      }
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        expected.add(i % 2 == 0 ? "DE" : "FR");
      }
      assertThat(countries).isEqualTo(expected);
    }
  }

  private static int countOf(CharSequence text, String part) {
    return text.toString().split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void offUnlessAPortIsSet() {
    assertThat(fixture.config(10).httpPort()).isZero();
  }

  @Test
  void tokensAndTlsApplyAsOnTheGrpcPort(@TempDir Path certDir) throws Exception {
    TestCertificates ca = new TestCertificates(certDir, "larder");
    TestCertificates.Issued cert = ca.issue("server");
    Path tokens = certDir.resolve("tokens");
    Files.writeString(tokens, TokenFile.hashText(PROFILE_TOKEN) + "  name=profile-reader  views=user_profile\n");
    ServingFixture f = new ServingFixture(certDir.resolve("repo"));
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    SecurityConfig security = new SecurityConfig(cert.cert(), cert.key(), null, tokens, Set.of("grpc.health.v1.Health"));
    try (LarderServer secured = LarderServer.start(f.config(100).withSecurity(security).withHttpPort(freePort()),
        ServingFixture.ONLINE)) {
      HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(ca.caFile))
          .build();
      String base = "https://localhost:" + secured.httpPort();
      String profile = JsonFormat.printer().print(features("user_profile:country").putEntities("user_id", users(42)));
      String activity = JsonFormat.printer().print(features("user_activity:purchase_count").putEntities("user_id", users(42)));

      HttpResponse<String> none = https.send(post(base, profile, null), HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body()).contains("UNAUTHENTICATED", "missing bearer token");
      assertThat(https.send(post(base, profile, "Bearer wrong-token"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      HttpResponse<String> denied = https.send(post(base, activity, "Bearer " + PROFILE_TOKEN),
          HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(403);
      assertThat(denied.body()).contains("PERMISSION_DENIED", "user_activity").doesNotContain(PROFILE_TOKEN);
      HttpResponse<String> ok = https.send(post(base, profile, "bearer " + PROFILE_TOKEN),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).contains("\"string_val\":\"NL\"");
      // Health is open, as grpc.health.v1.Health is on the gRPC port.
      assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/v1/info")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      // Plaintext on the TLS port is not answered.
      HttpResponse<String> plain = null;
      try {
        plain = HTTP.send(post("http://localhost:" + secured.httpPort(), profile, "Bearer " + PROFILE_TOKEN),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException expected) {
        // the TLS handler closes the connection
      }
      assertThat(plain).isNull();
      assertThat(secured.metrics().callCount("POST /v1/features:get", Status.Code.UNAUTHENTICATED)).isEqualTo(2);
      assertThat(secured.metrics().callCount("POST /v1/features:get", Status.Code.PERMISSION_DENIED)).isEqualTo(1);
    }
  }

  @Test
  void mutualTlsRequiresAClientCertificateOnTheHttpPortToo(@TempDir Path certDir) throws Exception {
    TestCertificates ca = new TestCertificates(certDir, "larder");
    TestCertificates.Issued cert = ca.issue("server");
    TestCertificates.Issued client = ca.issue("client");
    TestCertificates.Issued stranger = new TestCertificates(certDir, "other").issue("stranger");
    ServingFixture f = new ServingFixture(certDir.resolve("repo"));
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    SecurityConfig security = new SecurityConfig(cert.cert(), cert.key(), ca.caFile, null, Set.of("grpc.health.v1.Health"));
    try (LarderServer secured = LarderServer.start(f.config(100).withSecurity(security).withHttpPort(freePort()),
        ServingFixture.ONLINE)) {
      URI info = URI.create("https://localhost:" + secured.httpPort() + "/v1/info");
      for (TestCertificates.Issued refused : new TestCertificates.Issued[] {null, stranger}) {
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls(ca.caFile, refused)).build();
        try {
          https.send(HttpRequest.newBuilder(info).build(), HttpResponse.BodyHandlers.ofString());
          throw new AssertionError("a client without an accepted certificate got an answer: " + refused);
        } catch (java.io.IOException expected) {
          // the handshake fails
        }
      }
      HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(tls(ca.caFile, client)).build();
      assertThat(https.send(HttpRequest.newBuilder(info).build(), HttpResponse.BodyHandlers.ofString()).body())
          .contains("\"project\":\"shop\"");
    }
  }

  private static HttpResponse<String> post(String json) throws Exception {
    return HTTP.send(post("http://localhost:" + server.httpPort(), json, null), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest post(String base, String json, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/features:get"))
        .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    return b.build();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Message parse(String json, Message.Builder builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return builder.build();
  }

  private static Status refusal(GetOnlineFeaturesRequest request) {
    try {
      grpc.withDeadlineAfter(10, TimeUnit.SECONDS).getOnlineFeatures(request);
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("expected a refusal of " + request);
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    return tls(caPem, null);
  }

  /** Trusts {@code caPem}; presents {@code clientCert} (PEM chain and PKCS#8 EC key) when given. */
  private static SSLContext tls(Path caPem, TestCertificates.Issued clientCert) throws Exception {
    javax.net.ssl.KeyManager[] keyManagers = null;
    if (clientCert != null) {
      String pem = Files.readString(clientCert.key()).replaceAll("-----[A-Z ]+-----|\\s", "");
      java.security.PrivateKey key = java.security.KeyFactory.getInstance("EC")
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
      java.security.cert.Certificate certificate;
      try (InputStream in = Files.newInputStream(clientCert.cert())) {
        certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", key, new char[0], new java.security.cert.Certificate[] {certificate});
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      keyManagers = kmf.getKeyManagers();
    }
    return withTrust(caPem, keyManagers);
  }

  private static SSLContext withTrust(Path caPem, javax.net.ssl.KeyManager[] keyManagers) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(keyManagers, tmf.getTrustManagers(), null);
    return ssl;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
