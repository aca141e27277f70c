package dev.larder.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the README's five-minute tour, command by command as the README spells it, with the packaged
 * distribution's launchers as real processes in a fresh temporary folder: every command's exit code and key
 * output lines, then the server it starts (a lookup, and its exit status on SIGTERM). Data sizes are scaled down
 * tenfold so that the test stays quick; everything else is the README's text, so a tour that stops working
 * fails here.
 */
class ReadmeTourIT {
  /** Output every tour command must print (stdout unless noted), by the command's first words. */
  private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("larder init", List.of("Created feature repository shop:", "  larder.properties"));
    EXPECTED.put("larder sample events", List.of("wrote 50,000 events of 500 users over 60 days to shop/data/events"));
    EXPECTED.put("larder sample profiles", List.of("profile rows of 500 users to shop/data/profiles/profiles.parquet"));
    EXPECTED.put("larder sample labels", List.of("wrote 2,000 label rows to shop/labels.parquet"));
    EXPECTED.put("larder apply", List.of("Plan: 6 to add, 0 to change, 0 to remove (registry version 0 -> 1)",
        "Applied: registry version 1"));
    EXPECTED.put("larder list views", List.of("user_activity  aggregation", "user_profile   passthrough"));
    EXPECTED.put("larder compute", List.of("user_activity: 50,000 events", "in 30 snapshots",
        "user_profile: passthrough source valid", "computed 2 views: "));
    EXPECTED.put("larder training-set", List.of("wrote ", "training.parquet: 2,000 rows", "  user_activity: ",
        "  user_profile: 2,000 matched, 0 null"));
    EXPECTED.put("larder materialize", List.of("user_activity v1 [", "user_profile v1 [",
        "materialized 2 view(s): "));
  }

  @TempDir
  Path tmp;

  record Run(String command, int exitCode, String stdout, String stderr) {}

  @Test
  void theTourRunsAsWrittenInAFreshFolder() throws Exception {
    List<String> tour = tourCommands(Files.readString(Path.of("..", "README.md")));
    assertThat(tour).as("the tour keeps its clone clean").anyMatch(l -> l.startsWith("cd \"$(mktemp -d)\""));

    List<String> seen = new ArrayList<>();
    String serverLine = null;
    for (String line : tour) {
      if (line.startsWith("export PATH=") || line.startsWith("cd ") || line.startsWith("grpcurl ")) {
        continue; // PATH and the folder are set up below; grpcurl is not installed here (the lookup is in Java)
      }
      if (line.startsWith("larder-server ")) {
        serverLine = line;
        continue;
      }
      Run r = bash(scaledDown(line));
      assertThat(r.exitCode()).as("exit code of `%s`; stderr:%n%s", r.command(), r.stderr()).isZero();
      assertThat(r.stderr()).as("stderr of `%s`", r.command()).doesNotContain("error:", "warning:", "Exception");
      String key = EXPECTED.keySet().stream().filter(line::startsWith).findFirst()
          .orElseThrow(() -> new AssertionError("no expected output listed for tour line: " + line));
      assertThat(r.stdout()).as("stdout of `%s`", r.command()).contains(EXPECTED.get(key));
      seen.add(key);
    }
    assertThat(seen).as("every tour step ran").containsAll(EXPECTED.keySet());
    assertThat(tmp.resolve("shop/training.parquet")).isRegularFile();

    Run larderVersion = bash("larder --version");
    Run serverVersion = bash("larder-server --version");
    assertThat(larderVersion.exitCode()).isZero();
    assertThat(serverVersion.exitCode()).isZero();
    assertThat(larderVersion.stdout()).matches("larder \\d+\\.\\d+\\.\\d+\\S* \\(commit \\S+.*\\)\\R");
    assertThat(serverVersion.stdout()).as("the same version and commit")
        .isEqualTo(larderVersion.stdout().replaceFirst("^larder ", "larder-server "));

    assertThat(serverLine).as("the tour starts a server").isNotNull();
    serve(serverLine);
  }

  /** Starts the tour's server line on a free port, looks user 42 up, then stops it with SIGTERM. */
  private void serve(String line) throws Exception {
    int port = ServerHandle.freePort();
    String command = line.replaceFirst("\\s*&\\s*$", "").replace("--port 6566", "--port " + port)
        + " --metrics-port 0"; // 9466 may be taken on a shared machine
    assertThat(command).contains("--port " + port);
    Path log = tmp.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "exec " + command).directory(tmp.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    environment(pb);
    Process server = pb.start();
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      awaitServing(server, channel, log);
      GetOnlineFeaturesResponse r = dev.larder.serving.v1.FeatureServingGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getOnlineFeatures(dev.larder.serving.v1.GetOnlineFeaturesRequest.newBuilder()
              .setFeatureService("user_model")
              .putEntities("user_id", dev.larder.core.v1.RepeatedValue.newBuilder()
                  .addValues(dev.larder.core.v1.Value.newBuilder().setInt64Val(42)).build())
              .build());
      assertThat(r.getFeatureNamesList()).contains("total_activities", "country");
      int country = r.getFeatureNamesList().indexOf("country");
      assertThat(r.getResults(country).getStatuses(0)).isEqualTo(FieldStatus.PRESENT);
      assertThat(Files.readString(log)).contains("event=started", "host=127.0.0.1", "port=" + port);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.destroy(); // SIGTERM
    }
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    assertThat(server.exitValue()).as("exit status after SIGTERM (docs/api.md); log:%n%s", Files.readString(log))
        .isEqualTo(143);
    assertThat(Files.readString(log)).contains("event=stopped drained=true");
  }

  private static void awaitServing(Process server, ManagedChannel channel, Path log) throws Exception {
    ServerHandle.awaitServing(server, channel, log, 60);
  }


  /** The commands of the README's tour block, one per line, without comments and blank lines. */
  static List<String> tourCommands(String readme) {
    Matcher m = Pattern.compile("## A five-minute tour.*?```sh\\R(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find()).as("README.md has the tour's sh block").isTrue();
    List<String> out = new ArrayList<>();
    for (String l : m.group(1).split("\\R")) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t.replaceFirst("\\s+#.*$", ""));
      }
    }
    return out;
  }

  /** The tour line with a tenth of its users, events and label rows. */
  static String scaledDown(String line) {
    return line.replace("--users 5000", "--users 500").replace("--events 500000", "--events 50000")
        .replace("--rows 20000", "--rows 2000");
  }

  private Run bash(String command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(tmp.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    environment(pb);
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish in 300 s; stderr:\n" + Files.readString(err));
    }
    return new Run(command, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void environment(ProcessBuilder pb) {
    pb.environment().put("PATH", Dist.home().resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("JAVA_OPTS", "-Xmx512m");
    pb.environment().put("LARDER_NO_PROGRESS", "1");
    pb.environment().keySet().removeIf(k -> k.startsWith("LARDER_") && !k.equals("LARDER_NO_PROGRESS"));
  }
}
