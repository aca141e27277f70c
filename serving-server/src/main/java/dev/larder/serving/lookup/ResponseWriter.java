package dev.larder.serving.lookup;

import dev.larder.pointintime.PointInTimeRule;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serializes a {@link GetOnlineFeaturesResponse} straight from cached rows, byte for byte what the generated
 * message would serialize to (fields in number order, statuses packed), without building the message. A
 * response of 100 entities x 50 features is 5,000 values, 5,000 statuses and 5,000 timestamps: as messages
 * that is some 15,000 objects to create, size and write per request; here it is a size pass and a copy pass
 * over the rows' pre-serialized bytes.
 */
final class ResponseWriter {
  private static final int FEATURE_NAMES = 1 << 3 | 2;
  private static final int RESULTS = 2 << 3 | 2;
  private static final int VALUES = 1 << 3 | 2;
  private static final int STATUSES = 2 << 3 | 2;
  private static final int EVENT_TIMESTAMPS = 3 << 3 | 2;
  private static final int SERVED_VERSIONS = 3 << 3 | 2;
  private static final byte[] NULL_VALUE = Values.NULL.toByteArray();

  private final byte[] out;
  private int pos;

  private ResponseWriter(int size) {
    this.out = new byte[size];
  }

  /** The serialized {@code feature_names} field holding {@code names}. */
  static byte[] namesField(List<String> names) {
    byte[][] utf8 = new byte[names.size()][];
    int size = 0;
    for (int i = 0; i < utf8.length; i++) {
      utf8[i] = names.get(i).getBytes(StandardCharsets.UTF_8);
      size += 1 + varintSize(utf8[i].length) + utf8[i].length;
    }
    ResponseWriter w = new ResponseWriter(size);
    for (byte[] name : utf8) {
      w.lengthDelimited(FEATURE_NAMES, name, 0, name.length);
    }
    return w.out;
  }

  /** The serialized {@code served_versions} field (packed varints) holding {@code versions}. */
  static byte[] servedVersionsField(long[] versions) {
    if (versions.length == 0) {
      return new byte[0];
    }
    int payload = 0;
    for (long v : versions) {
      payload += varint64Size(v);
    }
    ResponseWriter w = new ResponseWriter(1 + varintSize(payload) + payload);
    w.varint(SERVED_VERSIONS);
    w.varint(payload);
    for (long v : versions) {
      w.varint64(v);
    }
    return w.out;
  }

  /**
   * The serialized response.
   *
   * @param rows {@code rows[r][i]}: the row of entity i in the view of {@code plan.reads().get(r)}
   * @param now request time in microseconds, for the freshness (OUTSIDE_MAX_AGE) test
   */
  static byte[] write(LookupPlan plan, boolean fullNames, CachedRow[][] rows, long now) {
    List<LookupPlan.ViewRead> reads = plan.reads();
    int slots = plan.featureCount();
    int[] readOf = new int[slots];
    int[] featureOf = new int[slots];
    // Every view answers the same entity rows; the statuses of slot s are statuses[s * entityRows, (s + 1) * entityRows).
    int entityRows = rows0(rows);
    byte[] statuses = new byte[slots * entityRows];
    int[] vectorSize = new int[slots];
    byte[] names = fullNames ? plan.fullNamesField() : plan.namesField();
    int size = names.length;
    for (int r = 0; r < reads.size(); r++) {
      LookupPlan.ViewRead read = reads.get(r);
      CachedRow[] viewRows = rows[r];
      int n = viewRows.length;
      boolean[] fresh = new boolean[n];
      int timestampsSize = 0;
      PointInTimeRule freshness = read.spec().freshness();
      for (int i = 0; i < n; i++) {
        CachedRow row = viewRows[i];
        fresh[i] = row != CachedRow.MISSING && freshness.isFresh(now, row.eventMicros);
        int t = row.timestampLength();
        timestampsSize += 1 + varintSize(t) + t;
      }
      int[] features = read.featureIndexes();
      for (int f = 0; f < features.length; f++) {
        int slot = read.outputSlots()[f];
        int feature = features[f];
        readOf[slot] = r;
        featureOf[slot] = feature;
        int at = slot * n;
        int valuesSize = 0;
        for (int i = 0; i < n; i++) {
          CachedRow row = viewRows[i];
          int v;
          if (row == CachedRow.MISSING) {
            statuses[at + i] = FieldStatus.NOT_FOUND_VALUE;
            v = 0;
          } else {
            boolean present = feature < row.featureCount() && !row.isNull(feature);
            v = feature < row.featureCount() ? row.valueLength(feature) : NULL_VALUE.length;
            statuses[at + i] = (byte) (!fresh[i] ? FieldStatus.OUTSIDE_MAX_AGE_VALUE
                : present ? FieldStatus.PRESENT_VALUE : FieldStatus.NULL_VALUE_VALUE);
          }
          valuesSize += 1 + varintSize(v) + v;
        }
        int s = valuesSize + (n == 0 ? 0 : 1 + varintSize(n) + n) + timestampsSize;
        vectorSize[slot] = s;
        size += 1 + varintSize(s) + s;
      }
    }

    byte[] served = plan.servedVersionsField();
    size += served.length;
    ResponseWriter w = new ResponseWriter(size);
    w.raw(names, 0, names.length);
    for (int slot = 0; slot < slots; slot++) {
      CachedRow[] viewRows = rows[readOf[slot]];
      int feature = featureOf[slot];
      w.varint(RESULTS);
      w.varint(vectorSize[slot]);
      for (CachedRow row : viewRows) {
        if (row == CachedRow.MISSING) {
          w.lengthDelimited(VALUES, NULL_VALUE, 0, 0);
        } else if (feature < row.featureCount()) {
          w.lengthDelimited(VALUES, row.bytes, row.valueStart(feature), row.valueLength(feature));
        } else {
          w.lengthDelimited(VALUES, NULL_VALUE, 0, NULL_VALUE.length);
        }
      }
      if (viewRows.length > 0) {
        w.lengthDelimited(STATUSES, statuses, slot * viewRows.length, viewRows.length);
      }
      for (CachedRow row : viewRows) {
        w.lengthDelimited(EVENT_TIMESTAMPS, row.bytes, row.timestampStart(), row.timestampLength());
      }
    }
    w.raw(served, 0, served.length);
    if (w.pos != size) {
      throw new IllegalStateException("response size " + w.pos + " != computed " + size);
    }
    return w.out;
  }

  private static int rows0(CachedRow[][] rows) {
    return rows.length == 0 ? 0 : rows[0].length;
  }

  private void lengthDelimited(int tag, byte[] src, int offset, int length) {
    varint(tag);
    varint(length);
    raw(src, offset, length);
  }

  private void raw(byte[] src, int offset, int length) {
    System.arraycopy(src, offset, out, pos, length);
    pos += length;
  }

  private void varint(int value) {
    while ((value & ~0x7F) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
  }

  private void varint64(long value) {
    while ((value & ~0x7FL) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
  }

  private static int varint64Size(long value) {
    return (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }

  private static int varintSize(int value) {
    return value < 0 ? 5 : (31 - Integer.numberOfLeadingZeros(value | 1)) / 7 + 1;
  }
}
