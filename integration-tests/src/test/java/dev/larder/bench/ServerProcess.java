package dev.larder.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * larder-server (or the zero-work {@link CannedServer}) in its own JVM, as deployed: the load generator and the
 * server then share only the loopback and the CPU, not a heap or a GC. Settings go through the documented {@code LARDER_*} environment variables.
 */
final class ServerProcess implements AutoCloseable {
  static final String MAIN_CLASS = "dev.larder.serving.LarderServer";

  private final Process process;
  private final Path log;
  private final int port;
  private final AtomicLong peakRssKb = new AtomicLong(-1);

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    Child.pollPeakRss(process, peakRssKb);
  }

  static ServerProcess start(Path repo, Path logDir, List<String> jvmOptions, Map<String, String> env)
      throws IOException, InterruptedException {
    if (ClassLoader.getSystemClassLoader().getResource(MAIN_CLASS.replace('.', '/') + ".class") == null) {
      throw new NotAvailable("larder-server: " + MAIN_CLASS + " is not on the classpath yet");
    }
    int port = freePort();
    List<String> cmd = Child.javaCommand(jvmOptions, MAIN_CLASS);
    cmd.addAll(List.of("--repo", repo.toString(), "--port", Integer.toString(port)));
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("LARDER_METRICS_PORT", "0");
    return launch(cmd, port, logDir.resolve("server.log"), all);
  }

  /**
   * {@link CannedServer} in its own JVM: the same transport answering GetOnlineFeatures with {@code response}
   * and doing no lookup.
   */
  static ServerProcess startCanned(byte[] response, Path logDir, List<String> jvmOptions)
      throws IOException, InterruptedException {
    int port = freePort();
    Files.createDirectories(logDir);
    Path responseFile = logDir.resolve("canned-response.bin");
    Files.write(responseFile, response);
    List<String> cmd = Child.javaCommand(jvmOptions, CannedServer.class.getName());
    cmd.addAll(List.of(Integer.toString(port), responseFile.toString()));
    return launch(cmd, port, logDir.resolve("canned-server.log"), Map.of());
  }

  private static ServerProcess launch(List<String> cmd, int port, Path log, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    ServerProcess server = new ServerProcess(pb.start(), log, port);
    try {
      server.awaitServing();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  double peakRssMb() {
    return peakRssKb.get() < 0 ? Double.NaN : peakRssKb.get() / 1024.0;
  }

  Path log() {
    return log;
  }

  private void awaitServing() throws IOException, InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException(log.getFileName() + ": the server exited with code " + process.exitValue() + "; see " + log + ":\n"
              + Files.readString(log));
        }
        try {
          HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
          if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
            return;
          }
        } catch (StatusRuntimeException notYet) {
          // still starting
        }
        Thread.sleep(100);
      }
      throw new IOException("the server did not report SERVING within 60 s; see " + log);
    } finally {
      channel.shutdownNow();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }
}
