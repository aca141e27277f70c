package dev.larder.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.it.Dist;
import dev.larder.it.ServerHandle;
import dev.larder.registry.ProjectConfig;
import dev.larder.time.Timestamps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of larder-server while it consumes a push view's Kafka topic (a real KRaft broker, the server from
 * the distribution): every message the broker acknowledged is served after the restarts and logged offline
 * exactly once, and bad messages are dead-lettered, at most once more per kill. {@code -Dlarder.trials} kills
 * (3 in CI), seeded by {@code -Dlarder.seed}.
 */
class KafkaCrashIT {
  static final int TRIALS = Integer.getInteger("larder.trials", 3);
  static final long SEED = Long.getLong("larder.seed", 42);

  @TempDir
  Path tmp;

  @Test
  void killedConsumerLosesNoMessageAndAppliesEachOnce() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
        admin.createTopics(java.util.List.of(new NewTopic("clicks", 2, (short) 1))).all().get();
      }
      Path repo = tmp.resolve("repo");
      Files.createDirectories(repo);
      Files.writeString(repo.resolve("larder.properties"), ProjectConfig.defaultFileContent("kafka-crash")
          + "server.kafka.bootstrap_servers=" + broker.bootstrap() + "\nserver.kafka.group_id=crash-replica\n");
      Files.writeString(repo.resolve("push.textproto"), """
          entities { name: "user" join_keys { name: "user_id" type: INT64 } }
          sources {
            name: "clicks"
            push { kafka_topic: "clicks" kafka_format: JSON }
            timestamp_field: "ts"
            schema { name: "user_id" type: INT64 }
            schema { name: "ts" type: TIMESTAMP }
            schema { name: "clicks" type: INT64 }
          }
          feature_views { name: "user_clicks" entities: "user" source: "clicks" features { name: "clicks" type: INT64 } }
          """);
      Dist.larder("apply", "--repo", repo.toString()).assertOk();

      Map<Long, Long> produced = new ConcurrentHashMap<>();
      AtomicLong bad = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      long base = Timestamps.toMicros(java.time.Instant.now()) - 3_600_000_000L;
      Thread producer = new Thread(() -> produce(broker, base, produced, bad, stop));
      producer.start();
      Random random = new Random(SEED);
      int killed = 0;
      try {
        for (int trial = 0; trial < TRIALS; trial++) {
          ServerHandle server = ServerHandle.start(repo);
          Thread.sleep(1000 + random.nextInt(2000));
          server.process.destroyForcibly().waitFor(); // kill -9 while consuming
          server.channel.shutdownNow();
          killed++;
        }
      } finally {
        stop.set(true);
        producer.join();
      }
      assertThat(produced).as("messages the broker acknowledged").hasSizeGreaterThan(100);
      try (ServerHandle server = ServerHandle.start(repo)) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
          try {
            PushCrashIT.assertServed(server, produced);
            break;
          } catch (AssertionError e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
            Thread.sleep(500);
          }
        }
        Dist.larder("push-log", "--repo", repo.toString()).assertOk();
      }
      Map<Long, Integer> logged = PushCrashIT.loggedRows(repo);
      assertThat(logged.values()).as("rows logged more than once").allMatch(n -> n == 1);
      assertThat(logged.keySet()).containsExactlyInAnyOrderElementsOf(produced.keySet());
      long deadLetters = Files.readAllLines(repo.resolve("data/online/user_clicks/v1/dead-letters.jsonl")).size();
      assertThat(deadLetters).as("dead letters (each bad message once, plus at most one replay per kill)")
          .isBetween(bad.get(), bad.get() + killed * 50L);
      Reliability.record("kafka: kill -9 of the server while it consumes", TRIALS, killed, produced.size()
          + " acknowledged messages all served and logged once; " + deadLetters + " dead letters for " + bad.get()
          + " bad messages");
    }
  }

  /** Produces one JSON row per new user, and one bad message in fifty, until stopped. */
  static void produce(KafkaBroker broker, long base, Map<Long, Long> produced, AtomicLong bad, AtomicBoolean stop) {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
        "acks", "all", "linger.ms", "5"), new StringSerializer(), new StringSerializer())) {
      long user = 1;
      while (!stop.get()) {
        for (int i = 0; i < 50; i++, user++) {
          long u = user;
          String json = "{\"user_id\": " + u + ", \"ts\": \"" + Timestamps.format(base + u) + "\", \"clicks\": "
              + (u * 7) + "}";
          p.send(new ProducerRecord<>("clicks", Long.toString(u), json), (meta, e) -> {
            if (e == null) {
              produced.put(u, u * 7);
            }
          });
        }
        p.send(new ProducerRecord<>("clicks", "bad", "{\"user_id\": \"not a number\"}"), (meta, e) -> {
          if (e == null) {
            bad.incrementAndGet();
          }
        });
        p.flush();
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
