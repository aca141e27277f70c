package dev.larder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged distribution as a user runs it: {@code bin/larder} and {@code bin/larder-server} started as
 * real processes. Failsafe passes the unpacked distribution's folder as {@code larder.dist}.
 */
public final class Dist {
  private Dist() {}

  public static Path home() {
    String dist = System.getProperty("larder.dist");
    assertThat(dist).as("system property larder.dist (set by failsafe)").isNotNull();
    return Path.of(dist);
  }

  /** The output of a finished command. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertOk() {
      assertThat(exitCode).as("exit code; stderr:\n" + stderr + "\nstdout:\n" + stdout).isZero();
      return this;
    }
  }

  public static Result larder(String... args) throws IOException, InterruptedException {
    return run(180, command("larder", args));
  }

  public static List<String> command(String launcher, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(home().resolve("bin").resolve(launcher).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  public static Result run(int timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("larder-it", ".out");
    Path err = Files.createTempFile("larder-it", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("JAVA_OPTS", "-Xmx512m");
      pb.environment().put("LARDER_NO_PROGRESS", "1");
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s; stderr:\n"
            + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Starts {@code bin/larder} without waiting, for tests that kill it. */
  public static Process start(Path log, String... args) throws IOException {
    return startWithJvmOptions(log, "-Xmx512m", args);
  }

  /**
   * Starts {@code bin/larder} with the given JVM options, e.g. {@code -Xint} to slow a small run down enough that a
   * kill at a random moment reliably lands while it is still running, on a fast machine too.
   */
  public static Process startWithJvmOptions(Path log, String jvmOptions, String... args) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command("larder", args)).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA_OPTS", jvmOptions);
    pb.environment().put("LARDER_NO_PROGRESS", "1");
    return pb.start();
  }
}
