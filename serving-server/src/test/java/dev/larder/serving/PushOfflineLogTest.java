package dev.larder.serving;

import static dev.larder.serving.ServingFixture.minutesAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.time.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged pushes reach the view's offline history exactly once through {@code larder push-log} (which
 * reads the running server's fresh layer), and {@code larder training-set} sees them at the right times.
 */
class PushOfflineLogTest {
  @TempDir
  Path dir;
  LarderServer server;
  ManagedChannel channel;
  FeatureServingGrpc.FeatureServingBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    ServingFixture f = new ServingFixture(dir);
    f.writeRegistry(PushFeaturesTest.registry());
    Files.writeString(dir.resolve("larder.properties"),
        "project=shop\nregistry=registry.pb\nonline_store=online\noffline_store=offline\n");
    String name = InProcessServerBuilder.generateName();
    server = LarderServer.listen(f.config(1000), ServingFixture.ONLINE, Clock.fixed(ServingFixture.NOW, ZoneOffset.UTC),
        InProcessServerBuilder.forName(name), null);
    server.openStore();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = FeatureServingGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  String larder(int expectedExit, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream o = System.out;
    PrintStream e = System.err;
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = Larder.run(args);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isEqualTo(expectedExit);
    return text;
  }

  @Test
  void everyAcknowledgedPushIsLoggedOnceAndTrainingSetsSeeItAtTheRightTimes() throws Exception {
    stub.pushFeatures(PushFeaturesTest.push(1, minutesAgo(50), 1, "/a"));
    stub.pushFeatures(PushFeaturesTest.push(1, minutesAgo(50), 1, "/a")); // a retry: idempotent
    stub.pushFeatures(PushFeaturesTest.push(new long[] {1, 2}, new long[] {minutesAgo(20), minutesAgo(30)},
        new Long[] {2L, 5L}, new String[] {"/b", "/c"}));

    assertThat(larder(0, "push-log", "--repo", dir.toString()))
        .contains("user_clicks v1: 3 row(s) in 1 file(s), through log sequence 3");

    stub.pushFeatures(PushFeaturesTest.push(1, minutesAgo(5), 3, "/d"));
    assertThat(larder(0, "push-log", "--repo", dir.toString(), "--max-file-rows", "1"))
        .contains("user_clicks v1: 1 row(s) in 1 file(s), through log sequence 4");
    assertThat(larder(0, "push-log", "--repo", dir.toString())).contains("user_clicks v1: 0 row(s)");
    // The offline store, not the note to the server, says what is logged: losing the note duplicates nothing.
    Files.delete(dir.resolve("online/user_clicks/v1/fresh.logged"));
    assertThat(larder(0, "push-log", "--repo", dir.toString())).contains("user_clicks v1: 0 row(s)");

    Path entities = Files.writeString(dir.resolve("entities.csv"), "user_id,event_timestamp\n"
        + "1," + Timestamps.format(minutesAgo(40)) + "\n"
        + "1," + Timestamps.format(minutesAgo(10)) + "\n"
        + "1," + Timestamps.format(minutesAgo(0)) + "\n"
        + "2," + Timestamps.format(minutesAgo(31)) + "\n"
        + "2," + Timestamps.format(minutesAgo(0)) + "\n");
    Path out = dir.resolve("training.csv");
    larder(0, "training-set", "--repo", dir.toString(), "--entities", entities.toString(),
        "--features", "user_clicks:clicks,user_clicks:last_page", "--out", out.toString());

    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).isEqualTo("user_id,event_timestamp,clicks,last_page");
    assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(l.indexOf(',', l.indexOf(',') + 1) + 1))
        .containsExactly("1,/a", "2,/b", "3,/d", ",", "5,/c");

    // A materialization of the logged history up to 15 minutes ago folds it into a run; the newer push (5
    // minutes ago) is still served over the run's older row.
    larder(0, "materialize", "--repo", dir.toString(), "--view", "user_clicks",
        "--start", Timestamps.format(minutesAgo(120)), "--end", Timestamps.format(minutesAgo(15)));
    server.refreshNow();
    assertThat(server.registry().current().withData()).anySatisfy(v -> assertThat(v.view()).isEqualTo("user_clicks"));
    var r = stub.getOnlineFeatures(Requests.features("user_clicks").putEntities("user_id", Requests.users(1, 2)).build());
    assertThat(Requests.values(r, "last_page")).extracting(v -> v.getStringVal()).containsExactly("/d", "/c");
    assertThat(Files.list(dir.resolve("online/user_clicks/v1")).map(p -> p.getFileName().toString()))
        .anySatisfy(n -> assertThat(n).startsWith("run-"));
  }
}
