package dev.larder.stats;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: renders a local HTML file to a PNG with Debian's headless Chromium, installing the package
 * with apt-get when it is missing and apt-get is there; otherwise the calling test is skipped (not failed).
 */
final class HeadlessChromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private HeadlessChromium() {}

  /** The screenshot and everything Chromium logged (console messages appear as {@code INFO:CONSOLE}). */
  record Shot(Path png, List<String> log) {
    List<String> consoleMessages() {
      return log.stream().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  static void ensureInstalled() throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY) && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      ProcessBuilder pb = new ProcessBuilder("apt-get", "install", "-y", "chromium").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    }
    assumeTrue(Files.isExecutable(BINARY), "headless Chromium is not installed at " + BINARY
        + " and could not be installed with `apt-get install -y chromium` (needs root and Debian); "
        + "skipping the browser rendering check");
  }

  static Shot screenshot(Path html, Path workDir, int width, int height) throws IOException, InterruptedException {
    Path png = workDir.resolve("shot.png");
    Path log = workDir.resolve("chromium.log");
    Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + workDir.resolve("profile"),
        "--enable-logging=stderr", "--v=0", "--screenshot=" + png, "--window-size=" + width + "," + height,
        html.toUri().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish in 3 minutes; log: " + Files.readString(log));
    }
    return new Shot(png, Files.readAllLines(log, StandardCharsets.UTF_8));
  }
}
