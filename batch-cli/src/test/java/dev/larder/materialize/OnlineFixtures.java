package dev.larder.materialize;

import dev.larder.online.EntityKeyCodec;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A small view used by the online store tests: key user_id int64; features clicks int64, score double, name string. */
final class OnlineFixtures {
  static final String VIEW = "user_stats";
  static final List<Field> KEYS = List.of(Field.newBuilder().setName("user_id").setType(ValueType.INT64).build());
  static final List<ValueType> TYPES = List.of(ValueType.INT64, ValueType.DOUBLE, ValueType.STRING);
  static final EntityKeyCodec KEY_CODEC = new EntityKeyCodec(KEYS);
  static final FeatureRowCodec ROW_CODEC = new FeatureRowCodec(TYPES);
  static final long SECOND = 1_000_000L;

  private OnlineFixtures() {}

  static OnlineWriter begin(Path online, Duration ttl, long nowMicros, OnlineOptions options) throws IOException {
    return OnlineWriter.begin(online, VIEW, 1, KEYS, TYPES, ttl, nowMicros, options);
  }

  static OnlineOptions small() {
    return OnlineOptions.defaults().withBlockCacheBytes(1 << 20);
  }

  static byte[] key(long userId) {
    return KEY_CODEC.encode(new Object[] {userId});
  }

  /** The decoded row of one user in the served run, or null. */
  static Object[] read(OnlineStore store, long userId) throws IOException {
    try (ViewData data = store.acquire(VIEW, 1)) {
      if (data == null) {
        return null;
      }
      byte[] row = data.multiGet(List.of(key(userId)))[0];
      return row == null ? null : ROW_CODEC.decodeJava(row);
    }
  }
}
