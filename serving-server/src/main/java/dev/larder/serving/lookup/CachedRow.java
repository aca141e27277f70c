package dev.larder.serving.lookup;

import com.google.protobuf.Timestamp;
import dev.larder.core.v1.Value;
import dev.larder.online.OnlineRow;
import dev.larder.time.Timestamps;

/**
 * A decoded online row ready to be copied into responses: protobuf values and the event timestamp in both
 * forms, built once when the row is read from RocksDB and then shared by every request that hits it.
 * {@link #MISSING} stands for "no row for this entity" so that misses are cached too.
 */
final class CachedRow {
  static final CachedRow MISSING = new CachedRow(new Value[0], Long.MIN_VALUE, Timestamp.getDefaultInstance());

  final Value[] values;
  final long eventMicros;
  final Timestamp eventTimestamp;

  private CachedRow(Value[] values, long eventMicros, Timestamp eventTimestamp) {
    this.values = values;
    this.eventMicros = eventMicros;
    this.eventTimestamp = eventTimestamp;
  }

  static CachedRow of(OnlineRow row) {
    return new CachedRow(row.values(), row.eventTimestampMicros(), Timestamps.toProto(row.eventTimestampMicros()));
  }
}
