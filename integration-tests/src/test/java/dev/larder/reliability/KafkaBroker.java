package dev.larder.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) from the kafka_2.13 test dependency
 * (the same helper as serving-server's KafkaIngestTest uses; test classes are not shared between modules),
 * in a child JVM on free ports: storage formatted with Kafka's own StorageTool, then {@code kafka.Kafka}.
 */
public final class KafkaBroker implements AutoCloseable {
  private final Process process;
  final int port;
  final Path log;

  private KafkaBroker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    int port = freePort();
    int controller = freePort();
    Path props = dir.resolve("server.properties");
    Files.createDirectories(dir);
    Files.writeString(props, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "num.partitions=2",
        "auto.create.topics.enable=true", ""));
    Path log = dir.resolve("broker.log");
    Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t",
        UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", props.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IOException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
    }
    Process p = new ProcessBuilder(java("kafka.Kafka", props.toString())).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    KafkaBroker b = new KafkaBroker(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("kafka exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      if (Files.readString(log).contains("Kafka Server started")) {
        return b;
      }
      Thread.sleep(200);
    }
    b.close();
    throw new IOException("kafka did not start within 120 s: " + Files.readString(log));
  }

  private static List<String> java(String main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
