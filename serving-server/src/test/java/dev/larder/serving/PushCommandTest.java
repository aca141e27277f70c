package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.statuses;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.Requests.values;
import static dev.larder.serving.v1.FieldStatus.NOT_FOUND;
import static dev.larder.serving.v1.FieldStatus.PRESENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larder push} against a server on a real port: CSV rows in, served values out, refusals named by file row. */
class PushCommandTest {
  @TempDir
  Path dir;
  LarderServer server;
  ManagedChannel channel;
  FeatureServingGrpc.FeatureServingBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(PushFeaturesTest.registry());
    Files.writeString(dir.resolve("larder.properties"), "project=shop\nregistry=registry.pb\nonline_store=online\n");
    server = LarderServer.start(f.config(0), ServingFixture.ONLINE);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  int larder(ByteArrayOutputStream out, String... args) {
    PrintStream o = System.out;
    PrintStream e = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      return Larder.run(args);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
  }

  @Test
  void pushesACsvFileInBatchesAndTheRowsAreServed() throws Exception {
    Path csv = Files.writeString(dir.resolve("clicks.csv"), """
        user_id,ts,clicks,last_page
        1,2026-11-20T11:59:00Z,3,/home
        2,2026-11-20T11:58:00Z,,/cart
        3,2026-11-20T11:57:00Z,9,/pay
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = larder(out, "push", "--repo", dir.toString(), "--view", "user_clicks", "--rows", csv.toString(),
        "--server", "127.0.0.1:" + server.port(), "--batch-rows", "2");

    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("pushed 3 rows to user_clicks (version 1) in 2 batch(es)");
    GetOnlineFeaturesResponse r = stub.getOnlineFeatures(features("user_clicks").putEntities("user_id",
        users(1, 2, 3)).build());
    assertThat(values(r, "last_page")).extracting(v -> v.getStringVal()).containsExactly("/home", "/cart", "/pay");
    assertThat(values(r, "clicks").get(2).getInt64Val()).isEqualTo(9);
  }

  @Test
  void aRefusedBatchIsNamedByFileRowAndEarlierBatchesStayWritten() throws Exception {
    // Recent event times: the server runs on the real clock and user_clicks has a 1h TTL.
    String t = java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    Path csv = Files.writeString(dir.resolve("clicks.csv"), "user_id,ts,clicks,last_page\n1," + t + ",3,/home\n2,"
        + t + ",4,/cart\n," + t + ",9,/pay\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = larder(out, "push", "--repo", dir.toString(), "--view", "user_clicks", "--rows", csv.toString(),
        "--server", "127.0.0.1:" + server.port(), "--batch-rows", "2");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isEqualTo(Larder.USAGE);
    assertThat(text).contains("clicks.csv data row 3").contains("user_id").contains("2 earlier row(s) in 1 batch(es)");
    assertThat(statuses(stub.getOnlineFeatures(features("user_clicks").putEntities("user_id", users(1, 2)).build()),
        "clicks")).containsExactly(PRESENT, PRESENT);
  }

  @Test
  void aFileColumnThatIsNotInThePushSourceIsRefusedBeforeAnythingIsSent() throws Exception {
    Path csv = Files.writeString(dir.resolve("clicks.csv"), "user_id,ts,clickz\n1,2026-11-20T11:59:00Z,3\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = larder(out, "push", "--repo", dir.toString(), "--view", "user_clicks", "--rows", csv.toString(),
        "--server", "127.0.0.1:" + server.port());

    assertThat(code).isNotZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("column 'clickz' is not a column of push source 'clicks'");
    assertThat(statuses(stub.getOnlineFeatures(features("user_clicks").putEntities("user_id", users(1)).build()),
        "clicks")).containsExactly(NOT_FOUND);
  }
}
