package dev.larder.storage;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible server for tests: Adobe's S3Mock, run from its executable jar (a test dependency) as a
 * child process on a free port, so that its Spring Boot dependencies never meet Hadoop's. One server per JVM,
 * started on first use (about 20 s on a loaded 2-core machine) and stopped when the JVM exits.
 */
final class S3Server {
  static final String ACCESS_KEY = "larder-test-access";
  static final String SECRET_KEY = "larder-test-secret-do-not-print";
  private static S3Server instance;

  private final Process process;
  private final int port;
  private final Path log;

  private S3Server(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The running server, started on first call with the given buckets. */
  static synchronized S3Server get() throws IOException, InterruptedException {
    if (instance == null) {
      instance = start(List.of("larder", "other"));
      S3Server s = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return instance;
  }

  private static S3Server start(List<String> buckets) throws IOException, InterruptedException {
    String jar = null;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.matches(".*s3mock-[^/]*-exec\\.jar")) {
        jar = entry;
      }
    }
    if (jar == null) {
      throw new IllegalStateException("S3Mock's executable jar (com.adobe.testing:s3mock:exec) is not on the test"
          + " class path; batch-cli/pom.xml declares it");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path root = Files.createTempDirectory("larder-s3mock");
    Path log = root.resolveSibling(root.getFileName() + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar,
        "--server.port=0", "--com.adobe.testing.s3mock.httpPort=" + port,
        "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.initialBuckets=" + String.join(",", buckets),
        "--spring.main.banner-mode=off", "--logging.level.root=WARN"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("S3Mock exited with " + p.exitValue() + "; see " + log);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        if (c.getResponseCode() > 0) {
          return new S3Server(p, port, log);
        }
      } catch (IOException notYet) {
        Thread.sleep(250);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("S3Mock did not answer on port " + port + " within 120 s; see " + log);
  }

  /** Deletes an empty bucket (S3Mock does not check request signatures, so a plain HTTP DELETE does). */
  void deleteBucket(String bucket) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/" + bucket).toURL().openConnection();
    c.setRequestMethod("DELETE");
    int code = c.getResponseCode();
    if (code / 100 != 2) {
      throw new IOException("DELETE bucket " + bucket + ": HTTP " + code);
    }
  }

  /** Stops the server gracefully (it then deletes its store folder), forcibly after 10 s. */
  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The project-file keys that point s3a at this server with the test credentials. */
  Map<String, String> settings() {
    return Map.of(
        "fs.s3a.endpoint", endpoint(),
        "fs.s3a.endpoint.region", "us-east-1",
        "fs.s3a.path.style.access", "true",
        "fs.s3a.connection.ssl.enabled", "false",
        "fs.s3a.access.key", ACCESS_KEY,
        "fs.s3a.secret.key", SECRET_KEY,
        "fs.s3a.attempts.maximum", "1",
        "fs.s3a.retry.limit", "1");
  }
}
