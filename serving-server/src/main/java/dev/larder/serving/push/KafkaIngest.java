package dev.larder.serving.push;

import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Source;
import dev.larder.online.OnlineLayout;
import dev.larder.registry.Catalog;
import dev.larder.serving.lookup.ServedRegistry;
import dev.larder.serving.metrics.ServingMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link TopicConsumer} per online push view whose source names a {@code kafka_topic}, following the
 * registry: a view that gains a topic (or a new version) gets a consumer within seconds, one that loses it is
 * stopped. Off unless {@code server.kafka.bootstrap_servers} is set.
 */
public final class KafkaIngest implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("larder.stream");

  /**
   * @param bootstrapServers Kafka's {@code bootstrap.servers}
   * @param groupId this replica's consumer group: every replica needs its own, since each reads the whole topic
   */
  public record Settings(String bootstrapServers, String groupId) {
    public static final String BOOTSTRAP = "server.kafka.bootstrap_servers";
    public static final String GROUP = "server.kafka.group_id";

    /** From the project file, overridden by LARDER_KAFKA_BOOTSTRAP_SERVERS / LARDER_KAFKA_GROUP_ID; null when off. */
    public static Settings from(Map<String, String> file, Map<String, String> env) {
      String servers = env.getOrDefault("LARDER_KAFKA_BOOTSTRAP_SERVERS", file.getOrDefault(BOOTSTRAP, "")).strip();
      if (servers.isEmpty()) {
        return null;
      }
      String group = env.getOrDefault("LARDER_KAFKA_GROUP_ID", file.getOrDefault(GROUP, "")).strip();
      if (group.isEmpty()) {
        String host;
        try {
          host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
          host = "unknown-host";
        }
        group = "larder-" + host;
      }
      return new Settings(servers, group);
    }
  }

  private final Settings settings;
  private final Supplier<ServedRegistry> registry;
  private final Supplier<FreshLayer> layers;
  private final Path onlineDir;
  private final Runnable layerCreated;
  private final Map<String, TopicConsumer> running = new ConcurrentHashMap<>();
  private final Thread watcher;
  private volatile boolean closed;

  public KafkaIngest(Settings settings, Supplier<ServedRegistry> registry, Supplier<FreshLayer> layers, Path onlineDir,
                     Runnable layerCreated) {
    this.settings = settings;
    this.registry = registry;
    this.layers = layers;
    this.onlineDir = onlineDir;
    this.layerCreated = layerCreated;
    this.watcher = new Thread(this::watch, "larder-kafka-watch");
    watcher.setDaemon(true);
  }

  public void start() {
    watcher.start();
  }

  private void watch() {
    while (!closed) {
      try {
        reconcile();
      } catch (IOException | RuntimeException e) {
        LOG.warn("event=stream_reconcile_failed message=\"{}\"", String.valueOf(e.getMessage()).replace('"', '\''));
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Starts and stops consumers to match the current registry. */
  synchronized void reconcile() throws IOException {
    FreshLayer layer = layers.get();
    if (layer == null || closed) {
      return;
    }
    Catalog catalog = registry.get().catalog();
    Set<String> wanted = new HashSet<>();
    for (FeatureView view : catalog.views()) {
      Source source = catalog.source(view.getSource()).orElse(null);
      if (source == null || !source.hasPush() || source.getPush().getKafkaTopic().isEmpty() || !Catalog.isOnline(view)) {
        continue;
      }
      PushTarget target = PushTarget.of(catalog, view, source);
      String topic = source.getPush().getKafkaTopic();
      String key = view.getName() + "@" + target.version() + "#" + topic;
      wanted.add(key);
      if (!running.containsKey(key)) {
        boolean created = layer.of(view.getName(), target.version()) == null;
        FreshStore store = layer.forWrite(view.getName(), target.version());
        if (created) {
          layerCreated.run();
        }
        Path deadLetters = OnlineLayout.versionDir(onlineDir, view.getName(), target.version())
            .resolve("dead-letters.jsonl");
        TopicConsumer c = new TopicConsumer(target, topic, new MessageRows(source, view.getName()), store, deadLetters,
            settings.bootstrapServers(), settings.groupId());
        running.put(key, c);
        c.start();
      }
    }
    for (String key : new ArrayList<>(running.keySet())) {
      if (!wanted.contains(key)) {
        running.remove(key).close();
      }
    }
  }

  /** Lag and newest-value age of every running consumer's view, for the metrics endpoint. */
  public List<ServingMetrics.StreamGauge> gauges(Clock clock) {
    List<ServingMetrics.StreamGauge> out = new ArrayList<>();
    FreshLayer layer = layers.get();
    long now = clock.millis() * 1000;
    for (TopicConsumer c : running.values()) {
      long newest = layer == null ? Long.MIN_VALUE : layer.newestEvent(c.view(), c.version());
      out.add(new ServingMetrics.StreamGauge(c.view(), c.lag(),
          newest == Long.MIN_VALUE ? Double.NaN : (now - newest) / 1e6));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    try {
      watcher.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      running.values().forEach(TopicConsumer::close);
      running.clear();
    }
  }
}
