package dev.larder.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The HTTP/JSON route under <a href="https://github.com/wg/wrk">wrk</a> (Debian's {@code wrk} package), a load
 * generator written in C that nobody here wrote: closed loop, one connection per outstanding call, request bodies
 * built by {@code wrk_lookups.lua} with the same refs, join key and uniform random keys as the gRPC load. The
 * JDK {@code HttpClient} generator ({@link ClientLoads.Http}) spent some 500 µs of CPU per call on the same two
 * cores as the server, so its figure said as much about the client as about the server; wrk's cost per call is
 * a small fraction of that, and is reported next to the server's.
 */
final class WrkLoad {
  private WrkLoad() {}

  /** What one measured wrk run gave. Latencies are from wrk's own histogram (from each request's send). */
  record Result(long ok, long errors, Map<String, Long> errorsByKind, double seconds, double p50Ms, double p90Ms,
                double p99Ms, double p999Ms, double maxMs, long serverCpuNanos, long wrkCpuNanos, String command) {
    double throughput() {
      return ok / seconds;
    }

    double serverCpuMicrosPerCall() {
      return serverCpuNanos < 0 || ok == 0 ? Double.NaN : serverCpuNanos / 1e3 / ok;
    }

    double wrkCpuMicrosPerCall() {
      return wrkCpuNanos < 0 || ok == 0 ? Double.NaN : wrkCpuNanos / 1e3 / ok;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", ok);
      m.put("errors", errors);
      m.put("errors_by_kind", errorsByKind);
      m.put("seconds", seconds);
      m.put("throughput_per_s", throughput());
      m.put("p50_ms", p50Ms);
      m.put("p90_ms", p90Ms);
      m.put("p99_ms", p99Ms);
      m.put("p999_ms", p999Ms);
      m.put("max_ms", maxMs);
      m.put("server_cpu_seconds", serverCpuNanos < 0 ? null : serverCpuNanos / 1e9);
      m.put("wrk_cpu_seconds", wrkCpuNanos < 0 ? null : wrkCpuNanos / 1e9);
      m.put("command", command);
      return m;
    }
  }

  /** The wrk executable on PATH, or null. */
  static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "wrk");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static final String INSTALL_HINT = "wrk is not installed (Debian: apt-get install -y wrk)";

  /**
   * A warm-up run (not measured), then the measured run; the server's CPU clock is read around the measured one.
   *
   * @param threads wrk threads (at most {@code connections})
   * @param connections calls kept outstanding, one per connection (HTTP/1.1 keep-alive)
   */
  static Result run(Path wrk, Path work, int port, List<String> refs, String joinKey, long entities, int rows,
                    int threads, int connections, double warmupSeconds, double seconds, long seed,
                    LongSupplier serverCpu) throws IOException, InterruptedException {
    Path script = work.resolve("wrk_lookups.lua");
    try (InputStream in = WrkLoad.class.getResourceAsStream("wrk_lookups.lua")) {
      Files.write(script, in.readAllBytes());
    }
    if (warmupSeconds > 0) {
      launch(wrk, work.resolve("wrk-warmup.log"), script, port, refs, joinKey, entities, rows, threads, connections,
          warmupSeconds, seed + 1, () -> -1);
    }
    return launch(wrk, work.resolve("wrk.log"), script, port, refs, joinKey, entities, rows, threads, connections,
        seconds, seed, serverCpu);
  }

  private static Result launch(Path wrk, Path log, Path script, int port, List<String> refs, String joinKey,
                               long entities, int rows, int threads, int connections, double seconds, long seed,
                               LongSupplier serverCpu) throws IOException, InterruptedException {
    // wrk takes whole seconds.
    long wholeSeconds = Math.max(1, (long) Math.ceil(seconds));
    List<String> cmd = new ArrayList<>(List.of(wrk.toString(), "-t", Integer.toString(Math.min(threads, connections)),
        "-c", Integer.toString(connections), "-d", wholeSeconds + "s", "--timeout", "10s", "-s", script.toString(),
        "http://127.0.0.1:" + port + "/v1/features:get", "--", Long.toString(entities), Integer.toString(rows), joinKey,
        Long.toString(seed), String.join(",", refs)));
    long serverBefore = serverCpu.getAsLong();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    // wrk's own CPU time, read from /proc until it exits (10 ms ticks; the last read is at most ~20 ms early).
    AtomicLong wrkCpu = new AtomicLong(-1);
    Thread poll = new Thread(() -> {
      while (p.isAlive()) {
        long c = ProcStatus.cpuNanos(p.pid());
        if (c >= 0) {
          wrkCpu.set(c);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "wrk-cpu");
    poll.setDaemon(true);
    poll.start();
    if (!p.waitFor(wholeSeconds + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish; see " + log);
    }
    long serverAfter = serverCpu.getAsLong();
    poll.join();
    String out = Files.readString(log);
    int at = out.indexOf("WRK_RESULT ");
    if (p.exitValue() != 0 || at < 0) {
      throw new IllegalStateException("wrk exited with " + p.exitValue() + " and no result; see " + log + ":\n"
          + out.substring(0, Math.min(out.length(), 2000)));
    }
    String json = out.substring(at + "WRK_RESULT ".length(), out.indexOf('\n', at) < 0 ? out.length() : out.indexOf('\n', at));
    JsonObject r = new Gson().fromJson(json, JsonObject.class);
    Map<String, Long> byKind = new LinkedHashMap<>();
    long errors = 0;
    for (String kind : List.of("connect", "read", "write", "status", "timeout")) {
      long n = r.get(kind).getAsLong();
      errors += n;
      if (n > 0) {
        byKind.put(kind, n);
      }
    }
    // wrk counts answers with an HTTP error status among its requests.
    long ok = r.get("requests").getAsLong() - r.get("status").getAsLong();
    return new Result(ok, errors, byKind, r.get("duration_us").getAsLong() / 1e6,
        ms(r, "p50_us"), ms(r, "p90_us"), ms(r, "p99_us"), ms(r, "p999_us"), ms(r, "max_us"),
        serverBefore < 0 || serverAfter < 0 ? -1 : serverAfter - serverBefore, wrkCpu.get(),
        String.join(" ", cmd.subList(0, cmd.indexOf("--"))) + " -- ...");
  }

  private static double ms(JsonObject r, String key) {
    return r.get(key).getAsDouble() / 1000.0;
  }
}
