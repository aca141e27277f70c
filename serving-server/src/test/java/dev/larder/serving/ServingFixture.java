package dev.larder.serving;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.core.v1.ViewState;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.materialize.OnlineWriter;
import dev.larder.registry.Catalog;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A small feature repository for server tests: a registry built as a proto and online data written with
 * the real {@link OnlineWriter} into a temp directory.
 *
 * <ul>
 *   <li>{@code user_activity} (user_id int64; purchase_count int64, avg_amount double, last_category string; ttl 2h)</li>
 *   <li>{@code user_profile} (user_id; country string, vip bool; no ttl)</li>
 *   <li>{@code user_merchant} (user_id, merchant_id string; txn_count int64; ttl 1d)</li>
 *   <li>{@code archive} (user_id; score double; online: false)</li>
 *   <li>service {@code fraud_model}: user_activity:purchase_count, user_profile, user_merchant:txn_count</li>
 * </ul>
 */
final class ServingFixture {
  /** Materialization time of the fixture's data; the test clock starts here. */
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  static final long NOW_MICROS = Timestamps.toMicros(NOW);
  static final OnlineOptions ONLINE = OnlineOptions.defaults().withBlockCacheBytes(4 << 20).withSortBufferBytes(1 << 20);

  static final Field USER_ID = Field.newBuilder().setName("user_id").setType(ValueType.INT64).build();
  static final Field MERCHANT_ID = Field.newBuilder().setName("merchant_id").setType(ValueType.STRING).build();

  final Path registryPath;
  final Path onlineDir;

  ServingFixture(Path dir) {
    this.registryPath = dir.resolve("registry.pb");
    this.onlineDir = dir.resolve("online");
  }

  static Feature feature(String name, ValueType type) {
    return Feature.newBuilder().setName(name).setType(type).build();
  }

  static Registry registry(long version) {
    return Registry.newBuilder()
        .setProject("shop")
        .setVersion(version)
        .addEntities(Entity.newBuilder().setName("user").addJoinKeys(USER_ID))
        .addEntities(Entity.newBuilder().setName("merchant").addJoinKeys(MERCHANT_ID))
        .addFeatureViews(FeatureView.newBuilder().setName("user_activity").addEntities("user").setTtl("2h")
            .addFeatures(feature("purchase_count", ValueType.INT64))
            .addFeatures(feature("avg_amount", ValueType.DOUBLE))
            .addFeatures(feature("last_category", ValueType.STRING)))
        .addFeatureViews(FeatureView.newBuilder().setName("user_profile").addEntities("user")
            .addFeatures(feature("country", ValueType.STRING))
            .addFeatures(feature("vip", ValueType.BOOL)))
        .addFeatureViews(FeatureView.newBuilder().setName("user_merchant").addEntities("user").addEntities("merchant")
            .setTtl("1d").addFeatures(feature("txn_count", ValueType.INT64)))
        .addFeatureViews(FeatureView.newBuilder().setName("archive").addEntities("user").setOnline(false)
            .addFeatures(feature("score", ValueType.DOUBLE)))
        .addFeatureServices(FeatureService.newBuilder().setName("fraud_model")
            .addFeatures("user_activity:purchase_count").addFeatures("user_profile")
            .addFeatures("user_merchant:txn_count"))
        .putViewStates("user_activity", ViewState.newBuilder().setVersion(1)
            .addMaterialized(Interval.newBuilder().setStart(Timestamps.toProto(NOW_MICROS - 86_400_000_000L))
                .setEnd(Timestamps.toProto(NOW_MICROS)))
            .build())
        .build();
  }

  void writeRegistry(Registry registry) throws IOException {
    RegistryFile.write(registryPath, registry);
  }

  /** Writes one run of a view of {@link #registry}; each row is {key values..., event micros, features...}. */
  long materialize(String viewName, List<Object[]> rows) throws IOException {
    return materialize(Catalog.of(registry(1)), viewName, rows);
  }

  /** Writes one run of the version {@code catalog} gives the view (see {@link Catalog#pinned}). */
  long materialize(Catalog catalog, String viewName, List<Object[]> rows) throws IOException {
    FeatureView view = catalog.requireView(viewName);
    List<Field> keys = catalog.joinKeys(view);
    List<ValueType> types = view.getFeaturesList().stream().map(Feature::getType).toList();
    try (OnlineWriter w = OnlineWriter.begin(onlineDir, viewName, catalog.viewVersion(viewName), keys, types,
        Catalog.ttl(view), NOW_MICROS, ONLINE)) {
      for (Object[] row : rows) {
        Object[] keyValues = java.util.Arrays.copyOfRange(row, 0, keys.size());
        long event = (Long) row[keys.size()];
        Object[] features = java.util.Arrays.copyOfRange(row, keys.size() + 1, row.length);
        w.put(keyValues, event, FeatureRowCodec.NO_CREATED_TIMESTAMP, features);
      }
      return w.commit().runId();
    }
  }

  /** Config for an in-process server over this fixture. */
  ServerConfig config(long cacheEntries) {
    return new ServerConfig("shop", registryPath, onlineDir, 0, 0, cacheEntries, Duration.ofMinutes(10), 100,
        4 << 20, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(2), true, 2);
  }

  static long minutesAgo(long minutes) {
    return NOW_MICROS - minutes * 60_000_000L;
  }

  static Value int64(long v) {
    return Value.newBuilder().setInt64Val(v).build();
  }

  static Value string(String v) {
    return Value.newBuilder().setStringVal(v).build();
  }
}
