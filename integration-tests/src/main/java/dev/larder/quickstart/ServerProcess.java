package dev.larder.quickstart;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * larder-server as a child process of the quickstart, exactly as a user would start it, stopped with it.
 * Its log goes to {@code server.log} in the repository.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ServerProcess start(Path repo, int port) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = repo.resolve("server.log");
    Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.larder.serving.ServerMain", "--repo", repo.toString(), "--port", Integer.toString(port)))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ServerProcess server = new ServerProcess(p, log);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    server.awaitServing(port);
    System.out.println("    " + server.firstLogLine());
    return server;
  }

  private void awaitServing(int port) throws IOException, InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException("larder-server exited with code " + process.exitValue() + "; see " + log
              + ":\n" + Files.readString(log));
        }
        try {
          HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (io.grpc.StatusRuntimeException notYet) {
          // the server is still starting
        }
        Thread.sleep(100);
      }
      throw new IOException("larder-server did not become healthy within 30 s; see " + log);
    } finally {
      channel.shutdownNow();
    }
  }

  private String firstLogLine() throws IOException {
    return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
  }

  void waitFor() throws InterruptedException {
    process.waitFor();
  }

  private void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
