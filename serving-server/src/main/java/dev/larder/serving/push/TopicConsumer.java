package dev.larder.serving.push;

import com.google.gson.JsonObject;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.online.FreshLayout;
import dev.larder.serving.lookup.LookupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one push view's Kafka topic into its fresh layer, on its own thread. Every partition of the topic is
 * assigned to this server (no group balancing: each replica reads the whole topic and serves the same values),
 * starting after the offsets stored in the fresh layer. Each poll's good rows and the next offset of every
 * partition it read are written in one durable batch ({@link FreshStore#write(List, List, Map)}), so the
 * offsets are stored with the data: after a crash the consumer resumes exactly after what was written, with
 * no duplicates and no gaps. Only then are the offsets also committed (asynchronously) to the replica's
 * consumer group, for outside lag tools. A message that cannot be read or checked goes to the dead-letter file with its reason
 * and never stops the consumer.
 */
final class TopicConsumer implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("larder.stream");

  private final PushTarget target;
  private final String topic;
  private final MessageRows messages;
  private final FreshStore store;
  private final Path deadLetters;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile long lag = -1;
  private long deadLettered;

  TopicConsumer(PushTarget target, String topic, MessageRows messages, FreshStore store, Path deadLetters,
                String bootstrapServers, String groupId) {
    this.target = target;
    this.topic = topic;
    this.messages = messages;
    this.store = store;
    this.deadLetters = deadLetters;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + target.name());
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this, "larder-kafka-" + target.name());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  String view() {
    return target.name();
  }

  long version() {
    return target.version();
  }

  String topic() {
    return topic;
  }

  /** Messages not yet consumed (end offsets minus positions), -1 before the first poll. */
  long lag() {
    return lag;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = awaitPartitions();
      if (partitions == null) {
        return;
      }
      consumer.assign(partitions);
      for (TopicPartition tp : partitions) {
        byte[] stored = store.get(FreshLayout.offsetKey(topic, tp.partition()));
        if (stored != null) {
          consumer.seek(tp, dev.larder.online.FeatureRowCodec.readLong(stored, 0));
        } else {
          consumer.seekToBeginning(List.of(tp));
        }
      }
      LOG.info("event=stream_started view={} version={} topic={} partitions={}", target.name(), target.version(),
          topic, partitions.size());
      long lastLag = 0;
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          consume(records);
        }
        if (System.nanoTime() - lastLag > 1_000_000_000L) {
          lastLag = System.nanoTime();
          updateLag(partitions);
        }
      }
    } catch (WakeupException e) {
      // close() while polling
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      if (!stopping) {
        LOG.error("event=stream_failed view={} topic={} message=\"{}\"", target.name(), topic,
            String.valueOf(e.getMessage()).replace('"', '\''), e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> awaitPartitions() throws InterruptedException {
    while (!stopping) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> out = new ArrayList<>();
        infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        return out;
      }
      Thread.sleep(1000); // the topic does not exist yet
    }
    return null;
  }

  /** One poll: good rows and next offsets in one durable write, then the group commit, bad messages aside. */
  private void consume(ConsumerRecords<byte[], byte[]> records) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> rows = new ArrayList<>();
    Map<TopicPartition, Long> next = new HashMap<>();
    List<String> dead = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      try {
        Map<String, RepeatedValue> columns = messages.columns(r.value());
        PushRows decoded = PushRows.decode(target, columns);
        keys.addAll(decoded.keys());
        rows.addAll(decoded.rows());
      } catch (IllegalArgumentException | LookupException e) {
        dead.add(deadLetter(r, e.getMessage()));
      }
    }
    if (!dead.isEmpty()) {
      // Written before the offsets: a crash in between replays these messages into the file again (at most
      // duplicated dead letters, never lost ones).
      Files.createDirectories(deadLetters.getParent());
      Files.writeString(deadLetters, String.join("", dead), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      deadLettered += dead.size();
      LOG.warn("event=stream_dead_letters view={} topic={} messages={} total={} file={}", target.name(), topic,
          dead.size(), deadLettered, deadLetters);
    }
    Map<String, byte[][]> offsets = new LinkedHashMap<>();
    next.forEach((tp, offset) -> offsets.put(tp.toString(), new byte[][] {
        FreshLayout.offsetKey(tp.topic(), tp.partition()), longBytes(offset)}));
    store.write(keys, rows, offsets);
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    next.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    // Informational only (the fresh layer holds the offsets that count), so asynchronous: the next poll does not
    // wait for the broker's answer, and a failed commit is caught up by the next one.
    consumer.commitAsync(commit, (committed, e) -> {
      if (e != null) {
        LOG.debug("event=stream_commit_failed view={} message=\"{}\"", target.name(), e.getMessage());
      }
    });
  }

  private void updateLag(List<TopicPartition> partitions) {
    try {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(2));
      long total = 0;
      for (TopicPartition tp : partitions) {
        total += Math.max(0, end.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(2)));
      }
      lag = total;
    } catch (RuntimeException e) {
      LOG.debug("event=stream_lag_failed view={} message=\"{}\"", target.name(), e.getMessage());
    }
  }

  private String deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
    JsonObject o = new JsonObject();
    o.addProperty("view", target.name());
    o.addProperty("topic", r.topic());
    o.addProperty("partition", r.partition());
    o.addProperty("offset", r.offset());
    o.addProperty("reason", reason);
    o.addProperty("value_base64", r.value() == null ? null : Base64.getEncoder().encodeToString(r.value()));
    return o + "\n";
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
