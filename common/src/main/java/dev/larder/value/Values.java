package dev.larder.value;

import com.google.protobuf.ByteString;
import dev.larder.core.v1.BoolList;
import dev.larder.core.v1.BytesList;
import dev.larder.core.v1.DoubleList;
import dev.larder.core.v1.FloatList;
import dev.larder.core.v1.Int32List;
import dev.larder.core.v1.Int64List;
import dev.larder.core.v1.Null;
import dev.larder.core.v1.StringList;
import dev.larder.core.v1.TimestampList;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import java.util.ArrayList;
import java.util.List;

/**
 * The single mapping between Larder's value types, their Java form in rows, and the protobuf {@link Value}.
 *
 * <p>Java forms: INT32 {@code Integer}, INT64 {@code Long}, FLOAT {@code Float}, DOUBLE {@code Double},
 * BOOL {@code Boolean}, STRING {@code String}, BYTES {@code byte[]}, TIMESTAMP {@code Long} microseconds since
 * the epoch (UTC); list types are {@code List} of the element form; {@code null} is null.
 */
public final class Values {
  public static final Value NULL = Value.newBuilder().setNullVal(Null.NULL).build();

  private Values() {}

  /** Converts a Java-form value of {@code type} to a protobuf Value. */
  @SuppressWarnings("unchecked")
  public static Value toProto(ValueType type, Object v) {
    if (v == null) {
      return NULL;
    }
    Value.Builder b = Value.newBuilder();
    switch (type) {
      case INT32 -> b.setInt32Val((Integer) v);
      case INT64 -> b.setInt64Val((Long) v);
      case FLOAT -> b.setFloatVal((Float) v);
      case DOUBLE -> b.setDoubleVal((Double) v);
      case BOOL -> b.setBoolVal((Boolean) v);
      case STRING -> b.setStringVal((String) v);
      case BYTES -> b.setBytesVal(ByteString.copyFrom((byte[]) v));
      case TIMESTAMP -> b.setTimestampVal(Timestamps.toProto((Long) v));
      case INT32_LIST -> b.setInt32ListVal(Int32List.newBuilder().addAllVal((List<Integer>) v));
      case INT64_LIST -> b.setInt64ListVal(Int64List.newBuilder().addAllVal((List<Long>) v));
      case FLOAT_LIST -> b.setFloatListVal(FloatList.newBuilder().addAllVal((List<Float>) v));
      case DOUBLE_LIST -> b.setDoubleListVal(DoubleList.newBuilder().addAllVal((List<Double>) v));
      case BOOL_LIST -> b.setBoolListVal(BoolList.newBuilder().addAllVal((List<Boolean>) v));
      case STRING_LIST -> b.setStringListVal(StringList.newBuilder().addAllVal((List<String>) v));
      case BYTES_LIST -> {
        BytesList.Builder l = BytesList.newBuilder();
        for (byte[] e : (List<byte[]>) v) l.addVal(ByteString.copyFrom(e));
        b.setBytesListVal(l);
      }
      case TIMESTAMP_LIST -> {
        TimestampList.Builder l = TimestampList.newBuilder();
        for (Long e : (List<Long>) v) l.addVal(Timestamps.toProto(e));
        b.setTimestampListVal(l);
      }
      default -> throw new IllegalArgumentException("unsupported value type " + type);
    }
    return b.build();
  }

  /** Converts a protobuf Value to its Java form; null for an explicit or implicit null. */
  public static Object fromProto(Value v) {
    return switch (v.getValCase()) {
      case INT32_VAL -> v.getInt32Val();
      case INT64_VAL -> v.getInt64Val();
      case FLOAT_VAL -> v.getFloatVal();
      case DOUBLE_VAL -> v.getDoubleVal();
      case BOOL_VAL -> v.getBoolVal();
      case STRING_VAL -> v.getStringVal();
      case BYTES_VAL -> v.getBytesVal().toByteArray();
      case TIMESTAMP_VAL -> Timestamps.fromProto(v.getTimestampVal());
      case INT32_LIST_VAL -> List.copyOf(v.getInt32ListVal().getValList());
      case INT64_LIST_VAL -> List.copyOf(v.getInt64ListVal().getValList());
      case FLOAT_LIST_VAL -> List.copyOf(v.getFloatListVal().getValList());
      case DOUBLE_LIST_VAL -> List.copyOf(v.getDoubleListVal().getValList());
      case BOOL_LIST_VAL -> List.copyOf(v.getBoolListVal().getValList());
      case STRING_LIST_VAL -> List.copyOf(v.getStringListVal().getValList());
      case BYTES_LIST_VAL -> {
        List<byte[]> l = new ArrayList<>();
        v.getBytesListVal().getValList().forEach(b -> l.add(b.toByteArray()));
        yield l;
      }
      case TIMESTAMP_LIST_VAL -> {
        List<Long> l = new ArrayList<>();
        v.getTimestampListVal().getValList().forEach(t -> l.add(Timestamps.fromProto(t)));
        yield l;
      }
      case NULL_VAL, VAL_NOT_SET -> null;
    };
  }

  /** The value type a protobuf Value carries, or null for a null value. */
  public static ValueType typeOf(Value v) {
    return switch (v.getValCase()) {
      case INT32_VAL -> ValueType.INT32;
      case INT64_VAL -> ValueType.INT64;
      case FLOAT_VAL -> ValueType.FLOAT;
      case DOUBLE_VAL -> ValueType.DOUBLE;
      case BOOL_VAL -> ValueType.BOOL;
      case STRING_VAL -> ValueType.STRING;
      case BYTES_VAL -> ValueType.BYTES;
      case TIMESTAMP_VAL -> ValueType.TIMESTAMP;
      case INT32_LIST_VAL -> ValueType.INT32_LIST;
      case INT64_LIST_VAL -> ValueType.INT64_LIST;
      case FLOAT_LIST_VAL -> ValueType.FLOAT_LIST;
      case DOUBLE_LIST_VAL -> ValueType.DOUBLE_LIST;
      case BOOL_LIST_VAL -> ValueType.BOOL_LIST;
      case STRING_LIST_VAL -> ValueType.STRING_LIST;
      case BYTES_LIST_VAL -> ValueType.BYTES_LIST;
      case TIMESTAMP_LIST_VAL -> ValueType.TIMESTAMP_LIST;
      case NULL_VAL, VAL_NOT_SET -> null;
    };
  }

  public static boolean isNumeric(ValueType t) {
    return t == ValueType.INT32 || t == ValueType.INT64 || t == ValueType.FLOAT || t == ValueType.DOUBLE;
  }

  public static boolean isList(ValueType t) {
    return t.getNumber() >= ValueType.INT32_LIST_VALUE;
  }

  /** Lower-case name as written in docs and messages, e.g. {@code int64}. */
  public static String typeName(ValueType t) {
    return t.name().toLowerCase();
  }
}
