package dev.larder.serving.push;

import dev.larder.core.v1.Feature;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import dev.larder.online.FreshLayout;
import dev.larder.serving.lookup.ClientText;
import dev.larder.serving.lookup.LookupException;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a push request's columns into fresh-layer entries, checking everything first: a batch with any bad
 * row or column is refused whole (INVALID_ARGUMENT naming the row and column and what was expected), so
 * nothing of it is written. Values must have the column's type; an INT32 value is accepted for an INT64
 * column and a FLOAT for a DOUBLE (lossless), as lookups accept int32 for int64 keys.
 *
 * @param keys fresh-layer keys ({@link FreshLayout#key}), one per row
 * @param rows {@link FeatureRowCodec} rows, one per row
 */
record PushRows(List<byte[]> keys, List<byte[]> rows) {

  static PushRows decode(PushTarget t, Map<String, RepeatedValue> columns) {
    int n = rowCount(columns);
    checkColumns(t, columns);
    RepeatedValue[] keyColumns = new RepeatedValue[t.joinKeys().size()];
    for (int k = 0; k < keyColumns.length; k++) {
      keyColumns[k] = required(t, columns, t.joinKeys().get(k).getName(), "join key");
    }
    RepeatedValue times = required(t, columns, t.timestampField(), "event timestamp (timestamp_field)");
    RepeatedValue created = t.createdTimestampField().isEmpty() ? null : columns.get(t.createdTimestampField());
    List<Feature> features = t.view().getFeaturesList();
    RepeatedValue[] featureColumns = new RepeatedValue[features.size()];
    for (int f = 0; f < featureColumns.length; f++) {
      featureColumns[f] = columns.get(features.get(f).getName());
    }
    List<byte[]> keys = new ArrayList<>(n);
    List<byte[]> rows = new ArrayList<>(n);
    Value[] keyValues = new Value[keyColumns.length];
    List<Value> keyList = Arrays.asList(keyValues);
    Object[] values = new Object[featureColumns.length];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < keyColumns.length; k++) {
        keyValues[k] = keyColumns[k].getValues(i);
      }
      byte[] entity;
      try {
        entity = t.keyCodec().encode(keyList);
      } catch (IllegalArgumentException e) {
        throw bad(i, null, e.getMessage());
      }
      long event = timestamp(i, t.timestampField(), times.getValues(i), false);
      long createdAt = created == null ? FeatureRowCodec.NO_CREATED_TIMESTAMP
          : timestamp(i, t.createdTimestampField(), created.getValues(i), true);
      for (int f = 0; f < values.length; f++) {
        values[f] = featureColumns[f] == null ? null : value(i, features.get(f), featureColumns[f].getValues(i));
      }
      try {
        rows.add(t.rowCodec().encode(event, createdAt, values));
      } catch (IllegalArgumentException e) {
        throw bad(i, null, e.getMessage());
      }
      keys.add(FreshLayout.key(entity, event));
    }
    return new PushRows(keys, rows);
  }

  private static Object value(int row, Feature f, Value v) {
    ValueType got = Values.typeOf(v);
    if (got == null) {
      return null;
    }
    ValueType want = f.getType();
    boolean fits = got == want || want == ValueType.INT64 && got == ValueType.INT32
        || want == ValueType.DOUBLE && got == ValueType.FLOAT;
    if (!fits) {
      throw bad(row, f.getName(), "expected " + Values.typeName(want) + ", got " + Values.typeName(got));
    }
    Object o = Values.fromProto(v);
    if (o instanceof List<?> l && l.contains(null)) {
      throw bad(row, f.getName(), "a list holds a null element");
    }
    return o;
  }

  private static long timestamp(int row, String column, Value v, boolean optional) {
    if (v.getValCase() == Value.ValCase.TIMESTAMP_VAL) {
      return Timestamps.fromProto(v.getTimestampVal());
    }
    if (optional && Values.typeOf(v) == null) {
      return FeatureRowCodec.NO_CREATED_TIMESTAMP;
    }
    ValueType got = Values.typeOf(v);
    throw bad(row, column, "expected a timestamp, got " + (got == null ? "null" : Values.typeName(got)));
  }

  private static RepeatedValue required(PushTarget t, Map<String, RepeatedValue> columns, String name, String what) {
    RepeatedValue c = columns.get(name);
    if (c == null) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "the push has no column '" + name + "' ("
          + what + " of push view '" + t.name() + "')");
    }
    return c;
  }

  /** Every column must be a join key, a timestamp column or a feature: a misspelt feature is not silently null. */
  private static void checkColumns(PushTarget t, Map<String, RepeatedValue> columns) {
    Set<String> known = new LinkedHashSet<>();
    t.joinKeys().forEach(k -> known.add(k.getName()));
    known.add(t.timestampField());
    if (!t.createdTimestampField().isEmpty()) {
      known.add(t.createdTimestampField());
    }
    t.view().getFeaturesList().forEach(f -> known.add(f.getName()));
    for (String c : columns.keySet()) {
      if (!known.contains(c)) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "column '" + ClientText.name(c)
            + "' is not a column of push view '" + t.name() + "'; expected some of: " + String.join(", ", known));
      }
    }
  }

  private static int rowCount(Map<String, RepeatedValue> columns) {
    int n = -1;
    String first = null;
    for (Map.Entry<String, RepeatedValue> e : columns.entrySet()) {
      int c = e.getValue().getValuesCount();
      if (n < 0) {
        n = c;
        first = e.getKey();
      } else if (c != n) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "columns have different lengths: '"
            + ClientText.name(first) + "' has " + n + " values, '" + ClientText.name(e.getKey()) + "' has " + c);
      }
    }
    return Math.max(n, 0);
  }

  private static LookupException bad(int row, String column, String message) {
    return new LookupException(LookupException.Kind.INVALID_ARGUMENT, "row " + row
        + (column == null ? "" : ", column '" + column + "'") + ": " + message + "; nothing of the batch was written");
  }
}
