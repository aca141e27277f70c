package dev.larder.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bulk loading the online store: {@code larder materialize} end to end (read the Parquet source, pick the
 * latest row per entity, encode, write SST files, ingest, flip the pointer) versus {@code redis-cli --pipe}
 * loading the same rows as hashes into a local Redis with persistence off.
 */
@Command(name = "materialize", mixinStandardHelpOptions = true,
    description = "larder materialize of E entities x 10 features vs. redis-cli --pipe of the same rows.")
final class MaterializeScenario extends Scenario {
  @Option(names = "--entities", defaultValue = "10000000", description = "Entities (rows) to load (default: ${DEFAULT-VALUE}).")
  long entities;

  @Override
  List<Report> measure() throws Exception {
    Report r = new Report("materialize", entities + " entities x " + WideSource.FEATURES + " features");
    try (Workspace ws = Workspace.create(work, "materialize")) {
      attempt(r, rep -> run(ws, rep));
    }
    return List.of(r);
  }

  private void run(Workspace ws, Report r) throws Exception {
    r.param("entities", entities).param("features", WideSource.FEATURES).param("feature_type", "DOUBLE")
        .param("larder_step", "larder materialize (CLI, child JVM " + childJvmOpts
            + "): reads the Parquet source, writes RocksDB SST files, ingests them")
        .param("redis_step", "redis-cli --pipe of HSET <view>:<id> f1 v1 .. f10 v10, redis-server with "
            + "--save '' --appendonly no; building the command file is not timed")
        .param("seed", seed);
    long t0 = System.nanoTime();
    ws.init();
    ws.removeExampleDefinitions();
    Path source = WideSource.generate(ws.repo(), entities, seed, endInstant());
    ws.writeDefinitions("bench.textproto", WideSource.definitions(1));
    ws.apply();
    r.detail("generate_and_apply_seconds", (System.nanoTime() - t0) / 1e9);

    Child.Result larder = Child.jvm("larder-materialize", ws.logs(), childJvm(), "larder", ws.repoArgs("materialize",
        "--start", endInstant().minus(Duration.ofDays(2)).toString(), "--end", endInstant().toString())).check();
    double larderRate = entities / larder.wallSeconds();
    r.detail("larder", larder.toJson()).detail("online_store_bytes", sizeOf(ws.config().onlineDir()));
    r.figure("larder_seconds", "larder materialize wall time", larder.wallSeconds(), "s")
        .figure("larder_rows_per_s", "larder materialize rows/s", larderRate, "rows/s", atLeast(500_000))
        .figure("larder_heap_peak_mb", "larder materialize peak heap", larder.heapPeakMb(), "MB", atMost(2048))
        .figure("larder_peak_rss_mb", "larder materialize peak RSS", larder.peakRssMb(), "MB");

    if (!RedisBaseline.available()) {
      r.note("redis-server/redis-cli not on the PATH: Redis baseline skipped (apt-get install redis-server)");
      return;
    }
    long p0 = System.nanoTime();
    Path commands = ws.path("redis-commands.resp");
    WideSource.writeRedisCommands(source, commands, WideSource.view(1) + ":");
    r.detail("redis_command_file_seconds", (System.nanoTime() - p0) / 1e9)
        .detail("redis_command_file_bytes", Files.size(commands));
    RedisBaseline.Load redis = RedisBaseline.load(commands, ws.logs());
    Files.delete(commands);
    if (redis.keys() != entities) {
      throw new IllegalStateException("Redis holds " + redis.keys() + " keys after the load, expected " + entities);
    }
    double redisRate = entities / redis.pipe().wallSeconds();
    r.detail("redis", redis.pipe().toJson()).detail("redis_server_peak_rss_mb", redis.serverPeakRssMb());
    r.figure("redis_seconds", "redis-cli --pipe wall time", redis.pipe().wallSeconds(), "s")
        .figure("redis_rows_per_s", "redis-cli --pipe rows/s", redisRate, "rows/s")
        .figure("speedup_vs_redis", "larder rows/s / redis rows/s", larderRate / redisRate, "x", atLeast(2));
  }

  static long sizeOf(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
