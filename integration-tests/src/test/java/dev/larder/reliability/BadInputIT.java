package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.it.Dist;
import dev.larder.it.ServerHandle;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at the process level: damaged and drifted source files given to {@code larder compute}, and bad
 * requests sent to a running {@code larder-server}. Each must fail with a clear error and lose nothing: the offline
 * store is byte-for-byte as before and the server keeps serving the same answer. Finer cases (CSV ragged rows and
 * bad UTF-8, codec corruption, wrong Java types) are unit-tested in the modules; docs/reliability.md lists them.
 */
class BadInputIT {
  @TempDir
  static Path tmp;
  static Path computed;
  static ServerHandle server;
  static GetOnlineFeaturesResponse before;

  @BeforeAll
  static void build() throws Exception {
    computed = Fixture.sources(tmp.resolve("computed"), 300, 15_000);
    Fixture.compute(computed, 3).assertOk();
    Fixture.materialize(computed, Fixture.END).assertOk();
    server = ServerHandle.start(computed);
    before = Fixture.lookup(server);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  // ---- sources given to compute ----

  @Test
  void corruptParquetSource() throws Exception {
    assertComputeRefused("corrupt", file -> {
      byte[] garbage = new byte[4096];
      new Random(1).nextBytes(garbage);
      write(file, garbage);
    }, "corrupt-source");
  }

  @Test
  void truncatedParquetSource() throws Exception {
    assertComputeRefused("truncated", file -> {
      byte[] all = read(file);
      write(file, Arrays.copyOf(all, all.length / 2));
    }, "truncated-source");
  }

  @Test
  void columnTypeChangedInOneSourceFile() throws Exception {
    assertComputeRefused("type changed", file -> duckdbRewrite(file,
        "SELECT * REPLACE (CAST(price AS VARCHAR) AS price)"), "price");
  }

  @Test
  void columnDroppedFromOneSourceFile() throws Exception {
    assertComputeRefused("column dropped", file -> duckdbRewrite(file, "SELECT * EXCLUDE (price)"), "price");
  }

  @Test
  void timestampsBefore1970AndFarInTheFutureAreComputedOrRefusedClearly() throws Exception {
    Path repo = copy("timestamps");
    Path file = firstSource(repo);
    duckdbRewrite(file, "SELECT * REPLACE (CASE WHEN user_id % 2 = 0 THEN TIMESTAMP '1960-01-01 00:00:00' "
        + "ELSE TIMESTAMP '2400-01-01 00:00:00' END AS event_timestamp)");
    Map<String, String> offlineBefore = Fixture.digests(repo.resolve("data/offline"));
    Dist.Result r = Fixture.compute(repo, 3);
    if (r.exitCode() == 0) {
      // Events outside every window count for nothing; the snapshots of the other files stay computable.
      assertThat(Fixture.snapshotRows(repo.resolve("data/offline"))).isNotEmpty();
      Reliability.record("timestamps 1960 / 2400 in a source", 1, 0, "computed; out-of-window events ignored");
    } else {
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
      // Either the file is refused by name, or (every event now outside every window) the run would replace
      // snapshots that have rows with empty ones, which compute refuses without --allow-empty.
      String error = r.stderr().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(r.stderr());
      assertThat(error).satisfiesAnyOf(e -> assertThat(e).contains(file.getFileName().toString()),
          e -> assertThat(e).contains("found no rows").contains("--allow-empty"));
      assertThat(Fixture.digests(repo.resolve("data/offline"))).isEqualTo(offlineBefore);
      Reliability.record("timestamps 1960 / 2400 in a source", 1, 0, "refused: " + error);
    }
  }

  // ---- the registry and the definitions (issue 20) ----

  @Test
  void anEmptyOrTruncatedRegistryIsRefusedByTheCliAndTheRunningServerKeepsItsLastGoodOne() throws Exception {
    Path repo = copy("empty-registry");
    Path registry = repo.resolve("data/registry.pb");
    Path empty = Files.write(repo.resolve("data/new"), new byte[0]);
    Files.move(empty, registry, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Dist.Result list = Dist.larder("list", "views", "--repo", repo.toString());
    assertThat(list.exitCode()).as(list.stderr()).isEqualTo(1);
    assertThat(list.stderr()).contains(registry.toString()).contains("empty (0 bytes)");
    Dist.Result apply = Dist.larder("apply", "--repo", repo.toString());
    assertThat(apply.exitCode()).as(apply.stderr()).isEqualTo(1);
    assertThat(Files.size(registry)).isZero();

    // The running server's registry, replaced by an empty file and then by a truncated one.
    Path served = computed.resolve("data/registry.pb");
    byte[] good = Files.readAllBytes(served);
    try {
      for (byte[] bad : new byte[][] {new byte[0], Arrays.copyOf(good, good.length / 2)}) {
        Path next = Files.write(computed.resolve("data/next"), bad);
        Files.move(next, served, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(2_500); // more than two registry polls
        assertThat(Fixture.lookup(server)).isEqualTo(before);
      }
    } finally {
      Path next = Files.write(computed.resolve("data/next"), good);
      Files.move(next, served, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    Reliability.record("0-byte and truncated registry.pb (CLI and running server)", 4, 4,
        "list/apply exit 1: " + firstLine(list.stderr()) + "; the server kept its last good registry and answer");
    assertStillServing();
  }

  @Test
  void aDeeplyNestedFilterIsALocatedErrorAtApplyNotAStackOverflow() throws Exception {
    Path repo = copy("deep-filter");
    String filter = "(".repeat(3000) + "event_type = 'view'" + ")".repeat(3000);
    Files.writeString(repo.resolve("deep.textproto"), "feature_views {\n  name: \"deep\"\n  entities: \"user\"\n"
        + "  source: \"user_events\"\n  features { name: \"n\" type: INT64 aggregation { function: COUNT filter: \""
        + filter.replace("'", "\\'") + "\" window: \"1d\" } }\n}\n");
    Dist.Result r = Dist.larder("apply", "--repo", repo.toString());
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains("deep.textproto:5:").contains("64 levels deep")
        .doesNotContain("StackOverflowError").doesNotContain("\tat ");
    Reliability.record("filter nested 3,000 parentheses deep", 1, 1, "apply exit 2: "
        + r.stderr().lines().filter(l -> l.contains("deep.textproto")).findFirst().orElse("").replaceAll("\"\\(+", "\"((..."));
  }

  @Test
  void aSymlinkedSourceFolderIsReadAndALinkToAnEmptyFolderIsRefused() throws Exception {
    Path repo = copy("symlinked-source");
    Path events = repo.resolve("data/events");
    Path moved = Files.move(events, tmp.resolve("events-elsewhere"));
    Files.createSymbolicLink(events, moved);
    Fixture.compute(repo, 3).assertOk();
    Fixture.assertSameRows(Fixture.snapshotRows(repo.resolve("data/offline")),
        Fixture.snapshotRows(computed.resolve("data/offline")));

    Map<String, List<String>> good = Fixture.snapshotRows(repo.resolve("data/offline"));
    Files.delete(events);
    Path empty = Files.createDirectories(tmp.resolve("events-empty"));
    Files.createSymbolicLink(events, empty);
    Dist.Result r = Fixture.compute(repo, 3);
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr()).contains("matches no data files").contains(empty.toRealPath().toString());
    Fixture.assertSameRows(Fixture.snapshotRows(repo.resolve("data/offline")), good);
    Reliability.record("symlinked source folder; then a link to an empty folder", 2, 2,
        "read like the folder itself (snapshots equal); then exit 1: " + firstLine(r.stderr()).replace(tmp.toString(), "$TMP")
            + "; snapshots unchanged");
  }

  // ---- requests sent to the server ----

  @Test
  void emptyEntityListGivesEmptyVectorsOrAClearRefusal() {
    GetOnlineFeaturesRequest request = request(RepeatedValue.getDefaultInstance());
    try {
      GetOnlineFeaturesResponse r = server.stub().getOnlineFeatures(request);
      r.getResultsList().forEach(v -> assertThat(v.getValuesCount()).isZero());
      Reliability.record("empty entity list", 1, 0, "OK, empty vectors");
    } catch (StatusRuntimeException e) {
      assertClear(e, Status.Code.INVALID_ARGUMENT);
      Reliability.record("empty entity list", 1, 0, e.getStatus().toString());
    }
    assertStillServing();
  }

  @Test
  void hugeEntityListsAreAnsweredOrRefusedWithTheLimit() {
    for (int n : new int[] {10_000, 50_000, 2_000_000}) {
      RepeatedValue.Builder ids = RepeatedValue.newBuilder();
      for (long i = 0; i < n; i++) {
        ids.addValues(Value.newBuilder().setInt64Val(i));
      }
      try {
        GetOnlineFeaturesResponse r = server.stub().withDeadlineAfter(60, TimeUnit.SECONDS)
            .getOnlineFeatures(request(ids.build()));
        assertThat(r.getResults(0).getValuesCount()).isEqualTo(n);
        Reliability.record("entity list of " + n, 1, 0, "OK, answered");
      } catch (StatusRuntimeException e) {
        assertClear(e, Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
        Reliability.record("entity list of " + n, 1, 0, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      }
      assertStillServing();
    }
  }

  @Test
  void wrongTypedEntityValuesAreInvalidArgumentNamingTheKey() {
    for (Value bad : new Value[] {Value.newBuilder().setStringVal("seven").build(),
        Value.newBuilder().setDoubleVal(1.5).build(), Value.newBuilder().setBoolVal(true).build()}) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> server.stub().getOnlineFeatures(request(RepeatedValue.newBuilder().addValues(bad).build())));
      assertThat(e).as("a %s user_id is refused", bad.getValCase()).isNotNull();
      assertClear(e, Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("user_id");
    }
    Reliability.record("wrong-typed entity values (string, double, bool)", 3, 3, "INVALID_ARGUMENT naming user_id");
    assertStillServing();
  }

  @Test
  void malformedProtobufBytesAreRefusedAndTheServerKeepsServing() {
    MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(FeatureServingGrpc.getGetOnlineFeaturesMethod().getFullMethodName())
        .setRequestMarshaller(RawBytes.INSTANCE).setResponseMarshaller(RawBytes.INSTANCE).build();
    Random random = new Random(7);
    int refused = 0;
    int trials = 50;
    java.util.Set<String> statuses = new java.util.TreeSet<>();
    for (int i = 0; i < trials; i++) {
      byte[] garbage = new byte[1 + random.nextInt(i < 25 ? 64 : 4096)];
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xff; // field 31 with wire type 7: never a valid tag, so never a valid message
      try {
        ClientCalls.blockingUnaryCall(server.channel, raw,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage);
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("not a valid larder.serving.v1.GetOnlineFeaturesRequest");
        statuses.add(e.getStatus().getCode() + " " + e.getStatus().getDescription());
        refused++;
      }
      assertThat(Fixture.lookup(server)).as("served after garbage #%d", i).isEqualTo(before);
    }
    assertThat(refused).isEqualTo(trials);
    Reliability.record("malformed protobuf request bytes", trials, refused, "refused with " + statuses
        + "; server kept serving");
    assertStillServing();
  }

  // ---- helpers ----

  interface Damage {
    void apply(Path file) throws Exception;
  }

  private static void assertComputeRefused(String name, Damage damage, String... mentions) throws Exception {
    Path repo = copy(name.replace(' ', '-'));
    Path file = firstSource(repo);
    damage.apply(file);
    Map<String, String> offlineBefore = Fixture.digests(repo.resolve("data/offline"));
    Map<String, String> onlineBefore = Fixture.digests(repo.resolve("data/online"));
    Dist.Result r = Fixture.compute(repo, 3);
    assertThat(r.exitCode()).as("exit code; stderr:\n" + r.stderr()).isEqualTo(1);
    assertThat(r.stderr()).as("the error names the file").contains(file.getFileName().toString());
    for (String m : mentions) {
      if (!m.endsWith("-source")) {
        assertThat(r.stderr()).as("the error names the column").contains(m);
      }
    }
    assertThat(r.stderr()).as("no stack trace for bad input").doesNotContain("\tat ");
    assertThat(Fixture.digests(repo.resolve("data/offline"))).as("offline store untouched").isEqualTo(offlineBefore);
    assertThat(Fixture.digests(repo.resolve("data/online"))).as("online store untouched").isEqualTo(onlineBefore);
    Reliability.record("source: " + name, 1, 1, "exit 1: " + firstLine(r.stderr()));
  }

  private static Path copy(String name) throws IOException {
    Path repo = tmp.resolve(name);
    Fixture.copyTree(computed, repo);
    return repo;
  }

  private static Path firstSource(Path repo) throws IOException {
    try (Stream<Path> files = Files.walk(repo.resolve("data/events"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
    }
  }

  private static void duckdbRewrite(Path file, String select) throws Exception {
    Path out = file.resolveSibling("rewritten.tmp");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (" + select + " FROM read_parquet('" + file + "')) TO '" + out + "' (FORMAT PARQUET)");
    }
    Files.move(out, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static GetOnlineFeaturesRequest request(RepeatedValue ids) {
    return GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addAllRefs(Fixture.ACTIVITY))
        .putEntities("user_id", ids).build();
  }

  private static void assertClear(StatusRuntimeException e, Status.Code... codes) {
    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isIn((Object[]) codes);
    assertThat(e.getStatus().getDescription()).as("a message saying what is wrong").isNotBlank();
  }

  private static void assertStillServing() {
    assertThat(Fixture.lookup(server)).as("the server still serves the same data").isEqualTo(before);
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A marshaller that passes bytes through, so the test can put anything on the wire. */
  enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
