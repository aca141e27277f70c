package dev.larder.storage;

import static dev.larder.storage.HdfsExampleTest.concat;
import static dev.larder.storage.RemoteExample.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running example with its sources on S3 (a real S3 server: Adobe's S3Mock in a child process, reached
 * through s3a with only the AWS SDK modules batch-cli declares) equals the local-disk run row for row; storage
 * failures name the URI, never a secret, exit 1 and commit nothing.
 */
class S3ExampleTest {
  @TempDir static Path tmp;
  static Path local;
  static S3Server s3;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3Server.get();
    local = RemoteExample.local(tmp.resolve("local"));
    run(concat(new String[] {"compute", "--repo", local.toString()}, RemoteExample.COMPUTE));
    localCounts = RemoteExample.downstream(local, local.resolve("data/labels.parquet").toString(),
        local.resolve("training.parquet").toString());
  }

  static java.util.List<String> localCounts;

  @Test
  void theRunningExampleOnS3EqualsTheLocalRun() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("s3"), "s3a://larder/shop", s3.settings());
    run(concat(new String[] {"compute", "--repo", repo.toString()}, RemoteExample.COMPUTE));
    // the command's own file system (Storage.shared() stays configured for the repository until the next load)
    Map<String, Long> requests = org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(
        Storage.shared().fileSystem(DataLocation.parse("s3a://larder/shop", repo))).counters();
    long lists = requests.getOrDefault("object_list_request", 0L);
    long heads = requests.getOrDefault("object_metadata_request", 0L);
    long gets = requests.getOrDefault("action_http_get_request", 0L);
    System.out.printf("S3 requests of compute over 4 source files (3 events, 1 profiles): %d LIST, %d HEAD, %d GET"
        + " (the GETs of reading the files do not reach these counters)%n", lists, heads, gets);
    // a fixed number of listings per command (each source is listed by apply's checks, compute and its passthrough
    // check: one status and one recursive listing each), whatever the number of rows (30,314 here)
    assertThat(lists).isBetween(2L, 16L);
    assertThat(heads).isBetween(2L, 8L);
    assertThat(RemoteExample.offlineRows(repo)).hasSizeGreaterThan(100)
        .containsExactlyElementsOf(RemoteExample.offlineRows(local));

    java.util.List<String> counts = RemoteExample.downstream(repo, "s3a://larder/shop/data/labels.parquet",
        "s3a://larder/shop/out/training.parquet");
    assertThat(counts).hasSize(2).containsExactlyElementsOf(localCounts);
    Path fetched = tmp.resolve("fetched");
    java.nio.file.Files.createDirectories(fetched);
    try (Storage storage = new Storage(StorageSettings.of(null, s3.settings()))) {
      Transfers.download(storage, DataLocation.parse("s3a://larder/shop/out/training.parquet", repo), fetched);
      Transfers.download(storage, DataLocation.parse("s3a://larder/shop/out/training.parquet.stats.parquet", repo), fetched);
    }
    assertThat(RemoteExample.rows(fetched.resolve("training.parquet"), "")).hasSize(2000)
        .containsExactlyElementsOf(RemoteExample.rows(local.resolve("training.parquet"), ""));
    // exact statistics only (counts, nulls, distinct, min, max, mean, deviation); quantile sketches are randomized
    assertThat(exact(RemoteExample.rows(fetched.resolve("training.parquet.stats.parquet"), ""))).hasSize(12)
        .containsExactlyElementsOf(exact(RemoteExample.rows(local.resolve("training.parquet.stats.parquet"), "")));
  }

  static java.util.List<String> exact(java.util.List<String> statsRows) {
    return statsRows.stream().map(r -> String.join(",", java.util.Arrays.asList(r.split(",")).subList(0, 13))).toList();
  }

  /**
   * kill -9 of a training-set run writing to S3, at random points of a clean run's duration (seed 42): the output
   * object is then either absent or complete, never partial.
   */
  @Test
  void aKilledTrainingSetToS3LeavesNoPartialObject() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("kill"), "s3a://larder/kill", s3.settings());
    run(concat(new String[] {"compute", "--repo", repo.toString()}, RemoteExample.COMPUTE));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    java.util.function.IntFunction<ProcessBuilder> command = i -> new ProcessBuilder(java, "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), "dev.larder.cli.Larder", "training-set", "--repo", repo.toString(),
        "--entities", local.resolve("data/labels.parquet").toString(), "--service", "user_model",
        "--out", "s3a://larder/kill/out/run" + i + ".parquet").redirectErrorStream(true)
        .redirectOutput(tmp.resolve("kill-" + i + ".log").toFile());
    long started = System.nanoTime();
    assertThat(command.apply(0).start().waitFor()).isZero();
    long cleanNanos = System.nanoTime() - started;
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    int absent = 0;
    for (int i = 1; i <= 3; i++) {
      Process p = command.apply(i).start();
      Thread.sleep((long) (cleanNanos * (0.2 + 0.8 * random.nextDouble()) / 1_000_000));
      p.destroyForcibly().waitFor();
      Path fetched = Files.createDirectories(tmp.resolve("kill-fetched-" + i));
      try (Storage storage = new Storage(StorageSettings.of(null, s3.settings()))) {
        DataLocation out = DataLocation.parse("s3a://larder/kill/out/run" + i + ".parquet", repo);
        if (!storage.fileSystem(out).exists(Storage.path(out))) {
          absent++;
          continue;
        }
        Transfers.download(storage, out, fetched);
      }
      assertThat(RemoteExample.rows(fetched.resolve("run" + i + ".parquet"), "")).as("kill %d", i).hasSize(2000);
    }
    System.out.printf("training-set to S3 killed 3 times: %d without output, %d with a complete one%n", absent,
        3 - absent);
  }

  @Test
  void aBucketGoneAfterApplyIsAnErrorNamingTheUriWithoutSecretsAndCommitsNothing() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("nobucket"), "s3a://other/shop", s3.settings());
    try (Storage storage = new Storage(StorageSettings.of(null, s3.settings()))) {
      DataLocation data = DataLocation.parse("s3a://other/shop", repo);
      storage.fileSystem(data).delete(Storage.path(data), true);
    }
    s3.deleteBucket("other");
    RemoteExample.Result r = RemoteExample.capture(concat(new String[] {"compute", "--repo", repo.toString()},
        RemoteExample.COMPUTE));
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("s3a://other/shop/data/events").contains("bucket does not exist")
        .doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY);
    assertThat(RemoteExample.filesUnder(repo.resolve("data"), ".parquet")).isZero();
    assertThat(RemoteExample.filesUnder(repo.resolve("data"), ".commit")).isZero();
  }

  @Test
  void checkStorageReportsEachLocationAndFailsOnAMissingBucket() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("check"), "s3a://larder/check", s3.settings());
    RemoteExample.Result ok = RemoteExample.capture("check-storage", "--repo", repo.toString(),
        "--location", "s3a://larder/check/out");
    assertThat(ok.code()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("8 fs.* keys of larder.properties")
        .containsPattern("ok +source 'user_events' +s3a://larder/check/data/events \\(read\\): folder exists; listed \\(3 entries\\)")
        .containsPattern("ok +--location +s3a://larder/check/out \\(read\\+write\\): does not exist yet .*a probe file was written and deleted")
        .doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY);

    RemoteExample.Result bad = RemoteExample.capture("check-storage", "--repo", repo.toString(),
        "--location", "s3a://no-such-bucket/out");
    assertThat(bad.code()).as(bad.output()).isEqualTo(1);
    assertThat(bad.output()).containsPattern("FAIL --location +s3a://no-such-bucket/out .*bucket does not exist")
        .doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY);
  }

  @Test
  void missingCredentialsAreAnErrorNamingTheUriAndCommitNothing() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("nocreds"), "s3a://larder/nocreds", s3.settings());
    Path props = repo.resolve("larder.properties");
    // only the key pair provider, and no key pair: nothing from the environment or ~/.aws can stand in
    Files.writeString(props, Files.readString(props).replaceAll("fs\\.s3a\\.(access|secret)\\.key=.*\\n", "")
        + "fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider\n");
    RemoteExample.Result r = RemoteExample.capture(concat(new String[] {"compute", "--repo", repo.toString()},
        RemoteExample.COMPUTE));
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("s3a://larder/nocreds/data/events", "the credentials were refused or are missing");
    assertThat(RemoteExample.filesUnder(repo.resolve("data"), ".parquet")).isZero();
  }

  @Test
  void anUnreachableEndpointIsAnErrorNamingTheUriWithoutSecrets() throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings());
    Path repo = RemoteExample.remote(local, tmp.resolve("unreachable"), "s3a://larder/unreachable", settings);
    Path props = repo.resolve("larder.properties");
    Files.writeString(props, Files.readString(props).replace(s3.endpoint(), "http://127.0.0.1:1"));
    RemoteExample.Result r = RemoteExample.capture(concat(new String[] {"compute", "--repo", repo.toString()},
        RemoteExample.COMPUTE));
    assertThat(r.code()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).contains("s3a://larder/unreachable/data/events")
        .doesNotContain(S3Server.SECRET_KEY).doesNotContain(S3Server.ACCESS_KEY);
    assertThat(RemoteExample.filesUnder(repo.resolve("data"), ".parquet")).isZero();
  }

  @Test
  void keysInTheUriAreNeverPrinted() throws Exception {
    Path repo = RemoteExample.remote(local, tmp.resolve("userinfo"), "s3a://larder/userinfo", s3.settings());
    Path sources = repo.resolve("sources.textproto");
    Files.writeString(sources, Files.readString(sources).replace("s3a://larder/userinfo",
        "s3a://AKIDEXAMPLE:" + S3Server.SECRET_KEY + "@no-such-bucket/x"));
    RemoteExample.Result r = RemoteExample.capture("apply", "--repo", repo.toString());
    assertThat(r.code()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("s3a://***@no-such-bucket/x/data/events").doesNotContain(S3Server.SECRET_KEY)
        .doesNotContain("AKIDEXAMPLE");
  }
}
