package dev.larder.quickstart;

import dev.larder.cli.Larder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end story a new user runs first: sample data, a repository, 30 days of daily snapshots, a
 * point-in-time training set, materialization, and a live server answering lookups through the generated
 * Java stubs. Every step is the same command a user would type; this class only sequences them.
 */
@Command(name = "larder-quickstart", mixinStandardHelpOptions = true,
    description = "Runs the Larder quickstart end to end on the embedded default stores.")
public final class Quickstart implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = "larder-quickstart",
      description = "Where the repository and its data are written (default: ./larder-quickstart).")
  Path dir;

  @Option(names = "--no-serve", description = "Exit after the lookups instead of serving until Ctrl-C.")
  boolean noServe;

  @Option(names = "--users", defaultValue = "5000", description = "Sample users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--events", defaultValue = "500000", description = "Sample events (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--port", defaultValue = "0", description = "Server port; 0 picks a free one.")
  int port;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Quickstart()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Path repo = dir.toAbsolutePath().normalize();
    if (Files.exists(repo)) {
      deleteTree(repo);
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String end = today.toString();
    String first = today.minusDays(29).toString();
    String r = repo.toString();

    step("Create a feature repository with the running example", "larder init " + r);
    larder("init", r);
    step("Generate sample user activity events, profiles and label rows", null);
    larder("sample", "events", "--out", r + "/data/events", "--users", Integer.toString(users),
        "--events", Integer.toString(events), "--days", "60", "--seed", "42", "--end", end);
    larder("sample", "profiles", "--out", r + "/data/profiles", "--users", Integer.toString(users),
        "--seed", "42", "--end", end);
    larder("sample", "labels", "--out", r + "/data/labels.parquet", "--users", Integer.toString(users),
        "--rows", "20000", "--days", "28", "--seed", "7", "--end", end);
    step("Apply the definitions to the registry", "larder apply --repo " + r);
    larder("apply", "--repo", r);
    larder("list", "views", "--repo", r);
    step("Compute 30 daily snapshots of user_activity into the Parquet offline store",
        "larder compute --repo " + r + " --start " + first + " --end " + end + " --step 1d");
    larder("compute", "--repo", r, "--start", first, "--end", end, "--step", "1d");
    Path training = repo.resolve("training_set.csv");
    step("Build a point-in-time-correct training set for the user_model service",
        "larder training-set --repo " + r + " --entities data/labels.parquet --service user_model --out training_set.csv");
    larder("training-set", "--repo", r, "--entities", r + "/data/labels.parquet", "--service", "user_model",
        "--out", training.toString());
    printHead(training, 6);
    step("Materialize the latest values into the RocksDB online store",
        "larder materialize --repo " + r + " --start " + today.minusDays(400) + " --end " + end + "T23:59:59Z");
    larder("materialize", "--repo", r, "--start", today.minusDays(400).toString(), "--end", end + "T23:59:59Z");

    // A push view (docs/push.md), added after materialize: its values come from clients, not from files.
    Files.writeString(repo.resolve("user_clicks.textproto"), PUSH_VIEW);
    larder("apply", "--repo", r);

    int servePort = port == 0 ? freePort() : port;
    step("Start larder-server on port " + servePort, "larder-server --repo " + r + " --port " + servePort);
    try (ServerProcess server = ServerProcess.start(repo, servePort)) {
      LookupTable.print(servePort, List.of(1L, 2L, 3L, 42L, 999_999L), System.out);
      Path clicks = repo.resolve("clicks.csv");
      String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      Files.writeString(clicks, "user_id,ts,clicks_5m,last_page\n1," + now + ",3,/checkout\n2," + now + ",1,/home\n");
      step("Push fresh values to the push view user_clicks; the next lookup serves them",
          "larder push --repo " + r + " --view user_clicks --rows clicks.csv");
      larder("push", "--repo", r, "--view", "user_clicks", "--rows", clicks.toString(),
          "--server", "127.0.0.1:" + servePort);
      LookupTable.printPushed(servePort, List.of(1L, 2L, 3L), System.out);
      System.out.printf("%nQuickstart finished in %.0f s. Everything was written under %s:%n", (System.nanoTime() - start) / 1e9, repo);
      System.out.println("  registry        " + repo.resolve("data/registry.pb"));
      System.out.println("  offline store   " + repo.resolve("data/offline") + "   (Parquet, readable by DuckDB, Spark, pandas)");
      System.out.println("  online store    " + repo.resolve("data/online") + "    (RocksDB)");
      System.out.println("  training set    " + training);
      System.out.println();
      System.out.println("Try the server yourself (reflection is on):");
      System.out.println("  grpcurl -plaintext localhost:" + servePort + " list");
      System.out.println("  grpcurl -plaintext -d '" + LookupTable.exampleJson() + "' localhost:" + servePort
          + " larder.serving.v1.FeatureServing/GetOnlineFeatures");
      System.out.println("  npx @bufbuild/buf curl --protocol grpc --http2-prior-knowledge -d '" + LookupTable.exampleJson()
          + "' http://localhost:" + servePort + "/larder.serving.v1.FeatureServing/GetOnlineFeatures");
      if (noServe) {
        return 0;
      }
      System.out.println();
      System.out.println("Serving on port " + servePort + " until Ctrl-C.");
      server.waitFor();
    }
    return 0;
  }

  /** The push view the quickstart adds to the running example. */
  static final String PUSH_VIEW = """
      # A push view: clients write its values with PushFeatures or `larder push` (docs/push.md).
      sources {
        name: "clicks"
        push {}
        timestamp_field: "ts"
        schema { name: "user_id" type: INT64 }
        schema { name: "ts" type: TIMESTAMP }
        schema { name: "clicks_5m" type: INT64 }
        schema { name: "last_page" type: STRING }
      }
      feature_views {
        name: "user_clicks"
        entities: "user"
        source: "clicks"
        ttl: "1h"
        features { name: "clicks_5m" type: INT64 }
        features { name: "last_page" type: STRING }
      }
      """;

  private static void step(String title, String command) {
    System.out.println();
    System.out.println("==> " + title);
    if (command != null) {
      System.out.println("    $ " + command);
    }
  }

  private static void larder(String... args) {
    int code = Larder.run(args);
    if (code != 0) {
      throw new IllegalStateException("`larder " + String.join(" ", args) + "` failed with exit code " + code);
    }
  }

  private static void printHead(Path csv, int lines) throws IOException {
    System.out.println("First rows of " + csv.getFileName() + ":");
    try (var reader = Files.newBufferedReader(csv)) {
      List<String> head = new ArrayList<>();
      String line;
      while (head.size() < lines && (line = reader.readLine()) != null) {
        head.add(line);
      }
      head.forEach(l -> System.out.println("  " + l));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
