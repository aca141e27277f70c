package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.service;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.serving.auth.TokenFile;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetServingInfoRequest;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS, mutual TLS and bearer tokens on the server as deployed: Netty on a free port, certificates minted by
 * {@link TestCertificates}, the token file on disk.
 */
class SecurityTest {
  private static final String PROFILE_TOKEN = "profile-reader-secret-4f1d";
  private static final String ACTIVITY_TOKEN = "activity-reader-secret-9c2e";
  private static final String WRONG_TOKEN = "not-a-token-secret-77aa";

  @TempDir
  static Path certDir;
  static TestCertificates ca;
  static TestCertificates.Issued serverCert;

  @TempDir
  Path dir;

  @BeforeAll
  static void mintCertificates() throws Exception {
    ca = new TestCertificates(certDir, "larder");
    serverCert = ca.issue("server");
  }

  @Test
  void tokensOverTlsAuthenticateInTheInterceptorAndAuthorizeOnResolvedViews() throws Exception {
    Path tokens = writeTokens(dir.resolve("tokens"),
        TokenFile.hashText(PROFILE_TOKEN) + "  name=profile-reader  views=user_profile",
        TokenFile.hashText(ACTIVITY_TOKEN) + "  name=fraud-model  views=user_activity");
    SecurityConfig security = new SecurityConfig(serverCert.cert(), serverCert.key(), null, tokens,
        Set.of("grpc.health.v1.Health"));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = System.err;
    try (LarderServer server = start(security)) {
      ManagedChannel channel = channel(server, TlsChannelCredentials.newBuilder().trustManager(ca.caFile.toFile()).build());
      try {
        GetOnlineFeaturesRequest profile = features("user_profile:country").putEntities("user_id", users(42)).build();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(refusal(() -> stub(channel, null).getOnlineFeatures(profile)))
            .extracting(Status::getCode).isEqualTo(Status.Code.UNAUTHENTICATED);
        Status wrong = refusal(() -> stub(channel, WRONG_TOKEN).getOnlineFeatures(profile));
        assertThat(wrong.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        Status denied = refusal(() -> stub(channel, ACTIVITY_TOKEN).getOnlineFeatures(profile));
        assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getDescription()).isEqualTo("token 'fraud-model' may not read feature view 'user_profile'");
        Status service = refusal(() -> stub(channel, PROFILE_TOKEN).getOnlineFeatures(service("fraud_model").build()));
        assertThat(service.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(service.getDescription()).contains("may not use feature service 'fraud_model'");
        System.setErr(err);

        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("code=UNAUTHENTICATED", "code=PERMISSION_DENIED");
        assertThat(logged).doesNotContain(WRONG_TOKEN, ACTIVITY_TOKEN, PROFILE_TOKEN,
            TokenFile.hashText(ACTIVITY_TOKEN).substring(7), TokenFile.hashText(WRONG_TOKEN).substring(7));
        assertThat(wrong.getDescription() + denied.getDescription()).doesNotContain(WRONG_TOKEN, ACTIVITY_TOKEN);

        assertThat(stub(channel, PROFILE_TOKEN).getOnlineFeatures(profile).getResults(0).getValues(0).getStringVal())
            .isEqualTo("NL");
        assertThat(stub(channel, ACTIVITY_TOKEN).getServingInfo(GetServingInfoRequest.getDefaultInstance()).getProject())
            .isEqualTo("shop");
        assertThat(refusal(() -> stub(channel, null).getServingInfo(GetServingInfoRequest.getDefaultInstance())))
            .extracting(Status::getCode).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
        assertThat(refusal(() -> NettyServerTest.listServices(channel)))
            .extracting(Status::getCode).isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        System.setErr(err);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void mutualTlsRequiresAClientCertificateSignedByTheClientCa() throws Exception {
    TestCertificates.Issued client = ca.issue("client");
    TestCertificates.Issued stranger = new TestCertificates(dir, "other").issue("stranger");
    SecurityConfig security = new SecurityConfig(serverCert.cert(), serverCert.key(), ca.caFile, null,
        Set.of("grpc.health.v1.Health"));
    try (LarderServer server = start(security)) {
      GetOnlineFeaturesRequest profile = features("user_profile:country").putEntities("user_id", users(42)).build();
      for (TestCertificates.Issued refused : new TestCertificates.Issued[] {null, stranger}) {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(ca.caFile.toFile());
        if (refused != null) {
          b.keyManager(refused.cert().toFile(), refused.key().toFile());
        }
        ManagedChannel channel = channel(server, b.build());
        try {
          assertThat(refusal(() -> stub(channel, null).getOnlineFeatures(profile)).getCode())
              .as("client certificate %s", refused).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      ManagedChannel channel = channel(server, TlsChannelCredentials.newBuilder().trustManager(ca.caFile.toFile())
          .keyManager(client.cert().toFile(), client.key().toFile()).build());
      try {
        assertThat(stub(channel, null).getOnlineFeatures(profile).getResults(0).getValues(0).getStringVal())
            .isEqualTo("NL");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tokenFileReloadsWithoutRestartAndABrokenFileKeepsTheLastGoodTokens() throws Exception {
    Path tokens = writeTokens(dir.resolve("tokens"), TokenFile.hashText(PROFILE_TOKEN) + " name=a views=*");
    SecurityConfig security = new SecurityConfig(null, null, null, tokens, Set.of("grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection"));
    try (LarderServer server = start(security)) {
      ManagedChannel channel = channel(server, InsecureChannelCredentials.create());
      try {
        GetOnlineFeaturesRequest profile = features("user_profile:vip").putEntities("user_id", users(42)).build();
        assertThat(stub(channel, PROFILE_TOKEN).getOnlineFeatures(profile).getResultsCount()).isEqualTo(1);
        assertThat(refusal(() -> stub(channel, ACTIVITY_TOKEN).getOnlineFeatures(profile)).getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED);

        writeTokens(tokens, TokenFile.hashText(ACTIVITY_TOKEN) + " name=b views=user_profile");
        server.refreshNow();
        assertThat(stub(channel, ACTIVITY_TOKEN).getOnlineFeatures(profile).getResultsCount()).isEqualTo(1);
        assertThat(refusal(() -> stub(channel, PROFILE_TOKEN).getOnlineFeatures(profile)).getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED);

        writeTokens(tokens, TokenFile.hashText(PROFILE_TOKEN) + " name=a views=*", PROFILE_TOKEN + " name=oops");
        server.refreshNow();
        assertThat(stub(channel, ACTIVITY_TOKEN).getOnlineFeatures(profile).getResultsCount()).isEqualTo(1);
        assertThat(refusal(() -> stub(channel, PROFILE_TOKEN).getOnlineFeatures(profile)).getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED);

        // Reflection was configured open: reachable without a token.
        assertThat(NettyServerTest.listServices(channel)).contains(FeatureServingGrpc.SERVICE_NAME);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theOpensslCommandsOfTheSecurityDocMakeFilesTheServerAccepts() throws Exception {
    Assumptions.assumeTrue(onPath("openssl") && onPath("bash"), "openssl and bash are needed");
    String doc = Files.readString(Path.of("..", "docs", "security.md"));
    int at = doc.indexOf("```sh\n# the CA");
    Assumptions.assumeTrue(at >= 0, "docs/security.md has no certificate commands");
    String script = doc.substring(at + 6, doc.indexOf("```", at + 6));
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Process p = new ProcessBuilder("bash", "-euc", script).directory(tls.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();

    SecurityConfig security = new SecurityConfig(tls.resolve("server.crt"), tls.resolve("server.key"),
        tls.resolve("ca.crt"), null, Set.of("grpc.health.v1.Health"));
    try (LarderServer server = start(security)) {
      ManagedChannel channel = channel(server, TlsChannelCredentials.newBuilder().trustManager(tls.resolve("ca.crt").toFile())
          .keyManager(tls.resolve("client.crt").toFile(), tls.resolve("client.key").toFile()).build());
      try {
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void unreadableKeyMaterialStopsTheStartNamingTheSettingButNotTheContent() throws Exception {
    Path key = Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n"
        + "-----END PRIVATE KEY-----\n");
    SecurityConfig bad = new SecurityConfig(serverCert.cert(), key, null, null, Set.of());
    assertThatThrownBy(() -> start(bad)).hasMessageContaining("server.tls.private_key")
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("c2VjcmV0"));
    SecurityConfig missing = new SecurityConfig(serverCert.cert(), dir.resolve("none.key"), null, null, Set.of());
    assertThatThrownBy(() -> start(missing)).hasMessageContaining("server.tls.private_key")
        .hasMessageContaining("file not found");
  }

  @Test
  void aKeyOfAnotherCertificateStopsTheStartNamingBothFiles() throws Exception {
    TestCertificates.Issued other = ca.issue("other");
    SecurityConfig mismatched = new SecurityConfig(serverCert.cert(), other.key(), null, null, Set.of());
    assertThatThrownBy(() -> start(mismatched)).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("server.tls.private_key " + other.key())
        .hasMessageContaining("does not belong to the certificate in server.tls.cert_chain " + serverCert.cert());
    Path rsa = Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
        + "-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> start(new SecurityConfig(serverCert.cert(), rsa, null, null, Set.of())))
        .hasMessageContaining("server.tls.private_key " + rsa).hasMessageContaining("openssl pkcs8 -topk8");
    Path notACert = Files.writeString(dir.resolve("x.crt"), "hello");
    assertThatThrownBy(() -> start(new SecurityConfig(notACert, serverCert.key(), null, null, Set.of())))
        .hasMessageContaining("server.tls.cert_chain " + notACert);
  }

  @Test
  void theServerCommandExitsOneOnBadKeyMaterial() throws Exception {
    TestCertificates.Issued other = ca.issue("other2");
    Files.writeString(dir.resolve(dev.larder.registry.ProjectConfig.FILE_NAME),
        "project=shop\nregistry=registry.pb\nonline_store=online\n");
    new ServingFixture(dir).writeRegistry(ServingFixture.registry(1));
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cl = ServerMain.commandLine(java.util.Map.of());
    cl.setErr(new java.io.PrintWriter(err, true));
    int code = cl.execute("--repo", dir.toString(), "--port", "0", "--metrics-port", "0", "--tls-cert-chain", serverCert.cert().toString(),
        "--tls-private-key", other.key().toString());
    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("does not belong to the certificate").contains(other.key().toString());
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private LarderServer start(SecurityConfig security) throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(ServingFixture.registry(1));
    f.materialize("user_profile", List.<Object[]>of(new Object[] {42L, minutesAgo(1), "NL", true}));
    return LarderServer.start(f.config(100).withSecurity(security), ServingFixture.ONLINE);
  }

  private static ManagedChannel channel(LarderServer server, ChannelCredentials credentials) {
    return NettyChannelBuilder.forAddress("localhost", server.port(), credentials).build();
  }

  private static FeatureServingGrpc.FeatureServingBlockingStub stub(ManagedChannel channel, String token) {
    FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private interface Call {
    Object run() throws Exception;
  }

  /** The status a call was refused with; fails the test when the call succeeds. */
  private static Status refusal(Call call) {
    try {
      call.run();
    } catch (Exception e) {
      return Status.fromThrowable(e);
    }
    throw new AssertionError("the call was expected to be refused");
  }

  /** Replaces the file by an atomic rename, as an operator's deploy tool would. */
  private static Path writeTokens(Path file, String... lines) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, List.of(lines));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }
}
