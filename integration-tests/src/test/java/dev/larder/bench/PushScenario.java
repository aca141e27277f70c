package dev.larder.bench;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.time.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Push writes (issue 24): PushFeatures throughput in batches of 1,000 rows x 10 features from several clients,
 * against {@code redis-cli --pipe} HSET of the same rows (Feast's online write path is a Redis HSET per
 * entity); whether every acknowledged push is visible to the next lookup; and lookup latency while pushes run
 * at a set rate, against lookups alone, in the same run; and Kafka freshness, produce to visible, with a real
 * KRaft broker (the kafka_2.13 test dependency, as in the reliability tests).
 */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = "PushFeatures throughput, freshness and lookups while pushing vs. redis-cli --pipe HSET.")
final class PushScenario extends Scenario {
  static final String VIEW = "push_wide";
  static final String STREAM_VIEW = "stream_wide";
  static final String TOPIC = "bench-push";

  @Option(names = "--rows", defaultValue = "2000000", description = "Rows pushed for throughput (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--batch", defaultValue = "1000", description = "Rows per PushFeatures call (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--clients", defaultValue = "4", description = "Concurrent pushing clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--lookups", defaultValue = "20000", description = "Lookups per latency phase (default: ${DEFAULT-VALUE}).")
  int lookups;

  @Option(names = "--push-rate", defaultValue = "10000", description = "Rows/s pushed during the loaded lookup phase (default: ${DEFAULT-VALUE}).")
  int pushRate;

  @Option(names = "--server-jvm-opts", defaultValue = "-Xms1g -Xmx1g", description = "JVM options of larder-server (default: ${DEFAULT-VALUE}).")
  String serverJvmOpts;

  @Option(names = "--kafka-samples", defaultValue = "500",
      description = "Kafka freshness samples, produce to visible, while --push-rate rows/s stream in; 0 skips the"
          + " Kafka part (default: ${DEFAULT-VALUE}).")
  int kafkaSamples;

  @Override
  List<Report> measure() throws Exception {
    Report r = new Report("push", rows + " rows x " + WideSource.FEATURES + " features in batches of " + batch);
    try (Workspace ws = Workspace.create(work, "push")) {
      attempt(r, rep -> run(ws, rep));
    }
    return List.of(r);
  }

  static String definitions() {
    StringBuilder s = new StringBuilder("entities { name: \"entity\" join_keys { name: \"entity_id\" type: INT64 } }\n"
        + "sources { name: \"pushed\" push {} timestamp_field: \"ts\"\n"
        + "  schema { name: \"entity_id\" type: INT64 }\n  schema { name: \"ts\" type: TIMESTAMP }\n");
    for (int f = 1; f <= WideSource.FEATURES; f++) {
      s.append("  schema { name: \"f").append(f).append("\" type: DOUBLE }\n");
    }
    s.append("}\nfeature_views { name: \"" + VIEW + "\" entities: \"entity\" source: \"pushed\"\n");
    for (int f = 1; f <= WideSource.FEATURES; f++) {
      s.append("  features { name: \"f").append(f).append("\" type: DOUBLE }\n");
    }
    s.append("}\n");
    // The same view fed from Kafka (JSON), for the freshness part.
    s.append("sources { name: \"streamed\" push { kafka_topic: \"" + TOPIC + "\" kafka_format: JSON } timestamp_field: \"ts\"\n"
        + "  schema { name: \"entity_id\" type: INT64 }\n  schema { name: \"ts\" type: TIMESTAMP }\n");
    for (int f = 1; f <= WideSource.FEATURES; f++) {
      s.append("  schema { name: \"f").append(f).append("\" type: DOUBLE }\n");
    }
    s.append("}\nfeature_views { name: \"" + STREAM_VIEW + "\" entities: \"entity\" source: \"streamed\"\n");
    for (int f = 1; f <= WideSource.FEATURES; f++) {
      s.append("  features { name: \"f").append(f).append("\" type: DOUBLE }\n");
    }
    return s.append("}\n").toString();
  }

  static PushFeaturesRequest request(long firstId, int n, long eventMicros) {
    RepeatedValue.Builder ids = RepeatedValue.newBuilder();
    RepeatedValue.Builder ts = RepeatedValue.newBuilder();
    RepeatedValue.Builder[] f = new RepeatedValue.Builder[WideSource.FEATURES];
    for (int i = 0; i < f.length; i++) {
      f[i] = RepeatedValue.newBuilder();
    }
    Value time = Value.newBuilder().setTimestampVal(Timestamps.toProto(eventMicros)).build();
    for (long id = firstId; id < firstId + n; id++) {
      ids.addValues(Value.newBuilder().setInt64Val(id));
      ts.addValues(time);
      for (int i = 0; i < f.length; i++) {
        f[i].addValues(Value.newBuilder().setDoubleVal(id * 0.5 + i));
      }
    }
    PushFeaturesRequest.Builder b = PushFeaturesRequest.newBuilder().setFeatureView(VIEW)
        .putColumns("entity_id", ids.build()).putColumns("ts", ts.build());
    for (int i = 0; i < f.length; i++) {
      b.putColumns("f" + (i + 1), f[i].build());
    }
    return b.build();
  }

  private void run(Workspace ws, Report r) throws Exception {
    r.param("rows", rows).param("batch", batch).param("clients", clients).param("features", WideSource.FEATURES)
        .param("lookups", lookups).param("push_rate", pushRate)
        .param("larder_step", "PushFeatures over gRPC from " + clients + " clients in this JVM to larder-server ("
            + serverJvmOpts + "); requests are built before timing")
        .param("redis_step", "redis-cli --pipe of HSET push:<id> f1 v1 .. f10 v10, redis-server with --save ''"
            + " --appendonly no (no durability, unlike PushFeatures' fsync'd WAL); building the file is not timed");
    ws.init();
    ws.removeExampleDefinitions();
    Files.writeString(ws.repo().resolve("push.textproto"), definitions());
    ws.apply();
    long now = Timestamps.toMicros(endInstant());
    int calls = (int) Math.max(1, rows / batch);
    List<String> jvm = new ArrayList<>(List.of(serverJvmOpts.trim().split("\\s+")));
    double pushRows;
    try (ServerProcess server = ServerProcess.start(ws.repo(), ws.logs(), jvm, Map.of())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
          .maxInboundMessageSize(64 << 20).build();
      try {
        FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channel);
        stub.pushFeatures(request(-1, 1, now)); // warm-up: connection, first layer creation
        // Throughput: every client pushes its share of prebuilt batches as fast as acknowledged.
        List<List<PushFeaturesRequest>> work = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          work.add(new ArrayList<>());
        }
        for (int i = 0; i < calls; i++) {
          work.get(i % clients).add(request((long) i * batch, batch, now));
        }
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (List<PushFeaturesRequest> mine : work) {
          Thread t = new Thread(() -> {
            for (PushFeaturesRequest q : mine) {
              try {
                stub.withDeadlineAfter(60, TimeUnit.SECONDS).pushFeatures(q);
              } catch (RuntimeException e) {
                errors.incrementAndGet();
              }
            }
          });
          t.start();
          threads.add(t);
        }
        for (Thread t : threads) {
          t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pushRows = (double) calls * batch / seconds;
        r.figure("push_errors", "PushFeatures calls failed", errors.get(), "calls", atMost(0))
            .figure("push_seconds", "push wall time", seconds, "s")
            .figure("push_rows_per_s", "PushFeatures rows/s", pushRows, "rows/s", atLeast(200_000));

        // Freshness: the lookup right after each acknowledged push must see its rows.
        int visible = 0;
        int checks = Math.min(200, calls);
        long base = (long) calls * batch + 1;
        for (int i = 0; i < checks; i++) {
          long first = base + (long) i * batch;
          stub.pushFeatures(request(first, batch, now + 1));
          GetOnlineFeaturesResponse got = stub.getOnlineFeatures(lookup(List.of(first, first + batch - 1)));
          if (got.getResults(0).getStatuses(0) == FieldStatus.PRESENT
              && got.getResults(0).getStatuses(1) == FieldStatus.PRESENT) {
            visible++;
          }
        }
        r.figure("visible_after_ack", "acknowledged pushes visible to the next lookup", 100.0 * visible / checks,
            "%", atLeast(100));

        // Lookups alone, then while pushing at pushRate rows/s: p99 ratio. An unmeasured round first, so that
        // neither phase includes the JIT's warm-up of the lookup path (the first run measured 3.5 ms alone
        // against 0.42 ms while pushing: the warm-up, not the pushes).
        lookups(stub, calls * (long) batch);
        Histogram alone = lookups(stub, calls * (long) batch);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong pushed = new AtomicLong();
        Thread pusher = new Thread(() -> pushAtRate(stub, base + (long) checks * batch, now + 2, stop, pushed));
        pusher.start();
        Histogram loaded;
        long l0 = System.nanoTime();
        try {
          loaded = lookups(stub, calls * (long) batch);
        } finally {
          stop.set(true);
          pusher.join();
        }
        double loadedSeconds = (System.nanoTime() - l0) / 1e9;
        double p99Alone = alone.getValueAtPercentile(99) / 1e6;
        double p99Loaded = loaded.getValueAtPercentile(99) / 1e6;
        r.figure("lookup_p99_ms", "lookup p99 without pushes", p99Alone, "ms")
            .figure("lookup_p99_pushing_ms", "lookup p99 while pushing", p99Loaded, "ms")
            .figure("p99_ratio", "p99 while pushing / p99 alone", p99Loaded / p99Alone, "x", atMost(1.2))
            .figure("push_rate_achieved", "rows/s pushed during the loaded phase", pushed.get() / loadedSeconds, "rows/s");
        r.detail("server_peak_rss_mb", server.peakRssMb());
      } finally {
        channel.shutdownNow();
      }
    }
    if (kafkaSamples > 0) {
      kafkaFreshness(ws, r, jvm, now);
    }

    if (!RedisBaseline.available()) {
      r.note("redis-server/redis-cli not on the PATH: Redis baseline skipped (apt-get install redis-server)");
      return;
    }
    Path commands = ws.path("redis-push.resp");
    writeRedisCommands(commands, (long) calls * batch);
    RedisBaseline.Load redis = RedisBaseline.load(commands, ws.logs());
    Files.delete(commands);
    double redisRate = (double) calls * batch / redis.pipe().wallSeconds();
    r.figure("redis_rows_per_s", "redis-cli --pipe HSET rows/s", redisRate, "rows/s")
        .figure("speedup_vs_redis", "push rows/s / redis rows/s",
            pushRows / redisRate, "x", atLeast(2));
  }

  /**
   * Kafka freshness: a real KRaft broker, a server consuming the topic (a second server process, so that the
   * consumer does not run during the other parts), rows streamed at --push-rate rows/s in the background, and
   * every 20 ms one sampled row produced and looked up until visible: produce to visible, p99 (goal 100 ms).
   */
  private void kafkaFreshness(Workspace ws, Report r, List<String> jvm, long now) throws Exception {
    try (dev.larder.reliability.KafkaBroker broker = dev.larder.reliability.KafkaBroker.start(ws.path("kafka"));
         org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
             Map.of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 1, (short) 1))).all().get();
      try (ServerProcess server = ServerProcess.start(ws.repo(), ws.path("logs-kafka"), jvm,
               Map.of("LARDER_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap(), "LARDER_KAFKA_GROUP_ID", "bench"));
           org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
               new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
                   "acks", "1", "linger.ms", "1"), new org.apache.kafka.common.serialization.StringSerializer(),
                   new org.apache.kafka.common.serialization.StringSerializer())) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
          FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channel);
          AtomicBoolean stop = new AtomicBoolean();
          AtomicLong streamed = new AtomicLong();
          Thread background = new Thread(() -> {
            long interval = 1_000_000_000L / Math.max(1, pushRate / 100);
            long next = System.nanoTime();
            long id = 1_000_000_000L;
            while (!stop.get()) {
              for (int i = 0; i < 100; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, json(id++, now)));
              }
              streamed.addAndGet(100);
              next += interval;
              long wait = next - System.nanoTime();
              if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
              }
            }
          });
          background.start();
          Histogram freshness = new Histogram(3);
          int timeouts = 0;
          long t0 = System.nanoTime();
          try {
            for (int i = 0; i < kafkaSamples; i++) {
              long id = 2_000_000_000L + i;
              long sent = System.nanoTime();
              producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, json(id, now)));
              boolean seen = false;
              while (System.nanoTime() - sent < 10_000_000_000L) {
                GetOnlineFeaturesResponse got = stub.withDeadlineAfter(5, TimeUnit.SECONDS).getOnlineFeatures(
                    GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addRefs(STREAM_VIEW))
                        .putEntities("entity_id", RepeatedValue.newBuilder().addValues(Value.newBuilder()
                            .setInt64Val(id)).build()).build());
                if (got.getResults(0).getStatuses(0) == FieldStatus.PRESENT) {
                  seen = true;
                  break;
                }
              }
              if (seen) {
                freshness.recordValue(System.nanoTime() - sent);
              } else {
                timeouts++;
              }
              Thread.sleep(20);
            }
          } finally {
            stop.set(true);
            background.join();
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          r.figure("kafka_freshness_p50_ms", "Kafka produce to visible p50", freshness.getValueAtPercentile(50) / 1e6, "ms")
              .figure("kafka_freshness_p99_ms", "Kafka produce to visible p99", freshness.getValueAtPercentile(99) / 1e6,
                  "ms", atMost(100))
              .figure("kafka_not_visible", "Kafka samples not visible within 10 s", timeouts, "samples", atMost(0))
              .figure("kafka_stream_rate", "rows/s streamed meanwhile", streamed.get() / seconds, "rows/s");
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }

  private static String json(long id, long eventMicros) {
    StringBuilder s = new StringBuilder("{\"entity_id\": ").append(id).append(", \"ts\": \"")
        .append(Timestamps.format(eventMicros)).append('"');
    for (int i = 0; i < WideSource.FEATURES; i++) {
      s.append(", \"f").append(i + 1).append("\": ").append(id * 0.5 + i);
    }
    return s.append('}').toString();
  }

  static GetOnlineFeaturesRequest lookup(List<Long> ids) {
    RepeatedValue.Builder b = RepeatedValue.newBuilder();
    ids.forEach(id -> b.addValues(Value.newBuilder().setInt64Val(id)));
    return GetOnlineFeaturesRequest.newBuilder().setFeatures(FeatureList.newBuilder().addRefs(VIEW))
        .putEntities("entity_id", b.build()).build();
  }

  /** {@code lookups} single-entity lookups of random pushed entities, closed loop; latencies in ns. */
  private Histogram lookups(FeatureServingGrpc.FeatureServingBlockingStub stub, long entities) {
    Histogram h = new Histogram(3);
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < lookups; i++) {
      GetOnlineFeaturesRequest q = lookup(List.of((long) (random.nextDouble() * entities)));
      long t = System.nanoTime();
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).getOnlineFeatures(q);
      h.recordValue(System.nanoTime() - t);
    }
    return h;
  }

  /** Pushes batches of {@code batch} rows so that {@code pushRate} rows/s go in, until stopped. */
  private void pushAtRate(FeatureServingGrpc.FeatureServingBlockingStub stub, long firstId, long eventMicros,
                          AtomicBoolean stop, AtomicLong pushed) {
    long intervalNanos = (long) (1e9 * batch / pushRate);
    long next = System.nanoTime();
    long id = firstId;
    while (!stop.get()) {
      stub.pushFeatures(request(id, batch, eventMicros));
      id += batch;
      pushed.addAndGet(batch);
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
  }

  /** The same rows as RESP HSET commands for {@code redis-cli --pipe}. */
  static void writeRedisCommands(Path file, long n) throws java.io.IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long id = 0; id < n; id++) {
        StringBuilder s = new StringBuilder("*").append(2 + 2 * WideSource.FEATURES).append("\r\n$4\r\nHSET\r\n");
        bulk(s, "push:" + id);
        for (int i = 0; i < WideSource.FEATURES; i++) {
          bulk(s, "f" + (i + 1));
          bulk(s, Double.toString(id * 0.5 + i));
        }
        out.write(s.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  private static void bulk(StringBuilder s, String v) {
    s.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
  }
}
