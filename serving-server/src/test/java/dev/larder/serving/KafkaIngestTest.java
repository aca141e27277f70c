package dev.larder.serving;

import static dev.larder.serving.Requests.features;
import static dev.larder.serving.Requests.statuses;
import static dev.larder.serving.Requests.users;
import static dev.larder.serving.Requests.values;
import static dev.larder.serving.v1.FieldStatus.PRESENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.PushSource;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.serving.push.KafkaIngest;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka ingestion against a real KRaft broker (a child process from Kafka's own jars): JSON and protobuf
 * messages become served rows, bad messages go to the dead letters without stopping the consumer, offsets are
 * stored with the rows so that a restarted server resumes exactly where it stopped, and a second replica with
 * its own group serves the same values.
 */
class KafkaIngestTest {
  @TempDir
  static Path dir;
  static KafkaBroker broker;
  static KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("clicks", 2, (short) 1), new NewTopic("clicks-pb", 1, (short) 1)))
          .all().get();
    }
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (producer != null) {
      producer.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** The push view of {@link PushFeaturesTest} fed from topic clicks (JSON), and a twin fed from clicks-pb. */
  static Registry registry() {
    Registry base = PushFeaturesTest.registry();
    Registry.Builder b = base.toBuilder();
    for (int i = 0; i < b.getSourcesCount(); i++) {
      if (b.getSources(i).getName().equals("clicks")) {
        b.setSources(i, b.getSources(i).toBuilder().setPush(PushSource.newBuilder().setKafkaTopic("clicks")
            .setKafkaFormat(PushSource.KafkaFormat.JSON)));
        Source pb = b.getSources(i).toBuilder().setName("clicks_pb").setPush(PushSource.newBuilder()
            .setKafkaTopic("clicks-pb").setKafkaFormat(PushSource.KafkaFormat.PROTOBUF)).build();
        b.addSources(pb);
        break;
      }
    }
    FeatureView clicks = base.getFeatureViewsList().stream().filter(v -> v.getName().equals("user_clicks"))
        .findFirst().orElseThrow();
    return b.addFeatureViews(clicks.toBuilder().setName("user_clicks_pb").setSource("clicks_pb")).build();
  }

  static LarderServer start(Path repo, String group) throws Exception {
    ServingFixture f = new ServingFixture(repo);
    if (!Files.exists(f.registryPath)) {
      f.writeRegistry(registry());
    }
    String name = InProcessServerBuilder.generateName();
    LarderServer s = LarderServer.listen(f.config(0), ServingFixture.ONLINE, Clock.systemUTC(),
        InProcessServerBuilder.forName(name), null);
    s.openStore();
    s.startKafka(new KafkaIngest.Settings(broker.bootstrap(), group));
    channels.put(s, InProcessChannelBuilder.forName(name).directExecutor().build());
    return s;
  }

  static final Map<LarderServer, ManagedChannel> channels = new java.util.concurrent.ConcurrentHashMap<>();

  static void stop(LarderServer s) {
    channels.remove(s).shutdownNow();
    s.close();
  }

  static GetOnlineFeaturesResponse await(LarderServer s, String view, long[] ids,
                                         Predicate<GetOnlineFeaturesResponse> done) throws InterruptedException {
    FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channels.get(s));
    GetOnlineFeaturesResponse r = null;
    for (int i = 0; i < 900; i++) { // 90 s: a loaded CI machine starts the consumer group slowly
      r = stub.getOnlineFeatures(features(view).putEntities("user_id", users(ids)).build());
      if (done.test(r)) {
        return r;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not consumed within 90 s: " + r);
  }

  static void send(String topic, long key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, Long.toString(key).getBytes(StandardCharsets.UTF_8), value)).get();
  }

  static byte[] json(long user, long eventMicros, long clicks, String page) {
    return ("{\"user_id\": " + user + ", \"ts\": \"" + Timestamps.format(eventMicros) + "\", \"clicks\": " + clicks
        + ", \"last_page\": \"" + page + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void consumesJsonAndProtobufDeadLettersBadMessagesResumesAfterRestartAndServesEveryReplica() throws Exception {
    long now = Timestamps.toMicros(java.time.Instant.now());
    Path a = dir.resolve("replica-a");
    LarderServer server = start(a, "replica-a");
    try {
      send("clicks", 1, json(1, now - 60_000_000L, 5, "/a"));
      send("clicks", 2, "not json".getBytes(StandardCharsets.UTF_8));
      send("clicks", 3, ("{\"user_id\": \"three\", \"ts\": \"" + Timestamps.format(now) + "\"}").getBytes(StandardCharsets.UTF_8));
      send("clicks", 2, json(2, now - 30_000_000L, 7, "/b"));
      send("clicks-pb", 9, PushFeaturesTest.push(9, now - 10_000_000L, 11, "/pb").toBuilder().clearFeatureView().build()
          .toByteArray());

      GetOnlineFeaturesResponse r = await(server, "user_clicks", new long[] {1, 2},
          x -> statuses(x, "clicks").equals(List.of(PRESENT, PRESENT)));
      assertThat(values(r, "last_page")).extracting(v -> v.getStringVal()).containsExactly("/a", "/b");
      GetOnlineFeaturesResponse pb = await(server, "user_clicks_pb", new long[] {9},
          x -> statuses(x, "clicks").equals(List.of(PRESENT)));
      assertThat(values(pb, "clicks").get(0).getInt64Val()).isEqualTo(11);

      Path deadLetters = a.resolve("online/user_clicks/v1/dead-letters.jsonl");
      List<String> dead = Files.readAllLines(deadLetters);
      assertThat(dead).hasSize(2);
      assertThat(dead.get(0) + dead.get(1)).contains("not JSON").contains("field 'user_id': expected int64, got a string");
      assertThat(server.metrics().scrape()).contains("larder_stream_consumer_lag{view=\"user_clicks\"}")
          .contains("larder_push_newest_value_age_seconds{view=\"user_clicks\"}");
    } finally {
      stop(server);
    }

    // While the server is down, one more message; after the restart it is consumed and nothing is replayed (the
    // two bad messages would be dead-lettered again if the consumer had started from the beginning).
    send("clicks", 1, json(1, now - 5_000_000L, 6, "/c"));
    server = start(a, "replica-a");
    try {
      GetOnlineFeaturesResponse r = await(server, "user_clicks", new long[] {1},
          x -> values(x, "clicks").get(0).getInt64Val() == 6);
      assertThat(values(r, "last_page").get(0).getStringVal()).isEqualTo("/c");
      Thread.sleep(1500); // time for a wrong replay to show
      assertThat(Files.readAllLines(a.resolve("online/user_clicks/v1/dead-letters.jsonl"))).hasSize(2);
    } finally {
      stop(server);
    }

    // Another replica, its own group and stores: it reads the whole topic and serves the same values.
    LarderServer other = start(dir.resolve("replica-b"), "replica-b");
    try {
      GetOnlineFeaturesResponse r = await(other, "user_clicks", new long[] {1, 2},
          x -> statuses(x, "clicks").equals(List.of(PRESENT, PRESENT)) && values(x, "clicks").get(0).getInt64Val() == 6);
      assertThat(values(r, "last_page")).extracting(v -> v.getStringVal()).containsExactly("/c", "/b");
    } finally {
      stop(other);
    }
  }
}
