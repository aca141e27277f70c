package dev.larder.it;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/larder-server} as a separate JVM on a real port, with a channel to it. */
public final class ServerHandle implements AutoCloseable {
  public final Process process;
  public final int port;
  public final Path log;
  public final ManagedChannel channel;

  private ServerHandle(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public static ServerHandle start(Path repo, String... extraArgs) throws IOException, InterruptedException {
    return start(repo, freePort(), extraArgs);
  }

  public static ServerHandle start(Path repo, int port, String... extraArgs) throws IOException, InterruptedException {
    Path log = Files.createTempFile(repo, "server", ".log");
    List<String> cmd = new java.util.ArrayList<>(Dist.command("larder-server", "--repo", repo.toString(),
        "--port", Integer.toString(port), "--metrics-port", "0"));
    cmd.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA_OPTS", "-Xmx256m");
    ServerHandle h = new ServerHandle(pb.start(), port, log);
    h.awaitServing();
    return h;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public void awaitServing() throws IOException, InterruptedException {
    awaitServing(process, channel, log, 30);
  }

  /**
   * Waits until {@code process} answers Health/Check with SERVING on {@code channel}; fails with its log when it
   * exits or is not serving within {@code seconds}.
   */
  public static void awaitServing(Process process, ManagedChannel channel, Path log, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("larder-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
          return;
        }
      } catch (io.grpc.StatusRuntimeException starting) {
        // not up yet
      }
      Thread.sleep(100);
    }
    throw new IOException("larder-server not healthy within " + seconds + " s:\n" + Files.readString(log));
  }

  public FeatureServingGrpc.FeatureServingBlockingStub stub() {
    return FeatureServingGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public GetOnlineFeaturesResponse lookup(List<String> refs, List<Long> userIds) {
    RepeatedValue.Builder ids = RepeatedValue.newBuilder();
    userIds.forEach(id -> ids.addValues(Value.newBuilder().setInt64Val(id)));
    return stub().getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
        .setFeatures(dev.larder.serving.v1.FeatureList.newBuilder().addAllRefs(refs))
        .putEntities("user_id", ids.build()).build());
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
