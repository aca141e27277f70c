package dev.larder.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local redis-server (persistence off, on a free port) loaded with {@code redis-cli --pipe}: the usual way
 * to bulk-load a key-value store, as the baseline for materialization. The harness only detects Redis on the
 * PATH; it never installs it.
 */
final class RedisBaseline {
  /** The time and memory of one bulk load. */
  record Load(Child.Result pipe, long keys, double serverPeakRssMb) {}

  private RedisBaseline() {}

  /** The named executable on the PATH, if any. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static boolean available() {
    return onPath("redis-server").isPresent() && onPath("redis-cli").isPresent();
  }

  /** Starts redis-server, pipes {@code commands} into it and counts the keys it then holds. */
  static Load load(Path commands, Path logDir) throws IOException, InterruptedException {
    String server = onPath("redis-server").orElseThrow().toString();
    String cli = onPath("redis-cli").orElseThrow().toString();
    int port = ServerProcess.freePort();
    Files.createDirectories(logDir);
    Process p = new ProcessBuilder(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", logDir.toString())
        .redirectErrorStream(true).redirectOutput(logDir.resolve("redis-server.log").toFile()).start();
    AtomicLong rss = new AtomicLong(-1);
    Child.pollPeakRss(p, rss);
    try {
      awaitPing(cli, port, p);
      Child.Result pipe = Child.process("redis-cli-pipe", logDir,
          List.of(cli, "-p", Integer.toString(port), "--pipe"), commands).check();
      long keys = Long.parseLong(cliOutput(cli, port, "DBSIZE").strip());
      long kb = ProcStatus.vmHwmKb(p.pid());
      return new Load(pipe, keys, Math.max(kb, rss.get()) / 1024.0);
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static void awaitPing(String cli, int port, Process server) throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!server.isAlive()) {
        throw new IOException("redis-server exited with code " + server.exitValue());
      }
      if (cliOutput(cli, port, "PING").contains("PONG")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("redis-server did not answer PING within 10 s");
  }

  private static String cliOutput(String cli, int port, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cli, "-p", Integer.toString(port), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
