package dev.larder.serving.push;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.PushSource;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.serving.v1.PushFeaturesRequest;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one Kafka message of a push source's topic into push columns (as a PushFeatures request carries them):
 * a JSON object (one row, values converted by the source's declared types) or a serialized
 * {@code PushFeaturesRequest} (columns, one or more rows). A message that cannot be read throws
 * {@link IllegalArgumentException} with the reason, which goes to the dead letters.
 */
final class MessageRows {
  private final Map<String, ValueType> types = new HashMap<>();
  private final PushSource.KafkaFormat format;
  private final String view;

  MessageRows(Source source, String view) {
    for (Field f : source.getSchemaList()) {
      types.put(f.getName(), f.getType());
    }
    this.format = source.getPush().getKafkaFormat();
    this.view = view;
  }

  Map<String, RepeatedValue> columns(byte[] message) {
    if (message == null) {
      throw new IllegalArgumentException("the message has no value");
    }
    if (format == PushSource.KafkaFormat.PROTOBUF) {
      PushFeaturesRequest r;
      try {
        r = PushFeaturesRequest.parseFrom(message);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("not a larder.serving.v1.PushFeaturesRequest: " + e.getMessage());
      }
      if (!r.getFeatureView().isEmpty() && !r.getFeatureView().equals(view)) {
        throw new IllegalArgumentException("the message is for feature view '" + r.getFeatureView()
            + "', this topic feeds '" + view + "'");
      }
      return r.getColumnsMap();
    }
    JsonElement json;
    try {
      json = JsonParser.parseString(new String(message, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (!json.isJsonObject()) {
      throw new IllegalArgumentException("expected a JSON object of column values, got " + kind(json));
    }
    Map<String, RepeatedValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
      ValueType t = types.get(e.getKey());
      if (t == null) {
        throw new IllegalArgumentException("field '" + e.getKey() + "' is not a column of the push source; expected"
            + " some of: " + String.join(", ", types.keySet()));
      }
      Value v;
      try {
        v = value(e.getValue(), t);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException("field '" + e.getKey() + "': expected " + Values.typeName(t) + ", got "
            + kind(e.getValue()) + (ex.getMessage() == null ? "" : " (" + ex.getMessage() + ")"));
      }
      out.put(e.getKey(), RepeatedValue.newBuilder().addValues(v).build());
    }
    return out;
  }

  /** A JSON value as the column's type; timestamps are strings in the accepted forms or epoch milliseconds. */
  static Value value(JsonElement j, ValueType t) {
    if (j.isJsonNull()) {
      return Values.NULL;
    }
    if (Values.isList(t)) {
      JsonArray a = j.getAsJsonArray();
      ValueType element = ValueType.forNumber(t.getNumber() - 10);
      List<Object> items = new ArrayList<>();
      for (JsonElement e : a) {
        items.add(Values.fromProto(value(e, element)));
      }
      return Values.toProto(t, items);
    }
    JsonPrimitive p = j.getAsJsonPrimitive();
    return switch (t) {
      case INT32 -> Value.newBuilder().setInt32Val(Math.toIntExact(integral(p))).build();
      case INT64 -> Value.newBuilder().setInt64Val(integral(p)).build();
      case FLOAT -> Value.newBuilder().setFloatVal(number(p).floatValue()).build();
      case DOUBLE -> Value.newBuilder().setDoubleVal(number(p).doubleValue()).build();
      case BOOL -> {
        if (!p.isBoolean()) {
          throw new IllegalArgumentException((String) null);
        }
        yield Value.newBuilder().setBoolVal(p.getAsBoolean()).build();
      }
      case STRING -> Value.newBuilder().setStringVal(string(p)).build();
      case BYTES -> Value.newBuilder().setBytesVal(ByteString.copyFrom(Base64.getDecoder().decode(string(p)))).build();
      case TIMESTAMP -> Value.newBuilder().setTimestampVal(Timestamps.toProto(p.isNumber()
          ? Math.multiplyExact(integral(p), 1000L) : Timestamps.parseMicros(p.getAsString()))).build();
      default -> throw new IllegalArgumentException("unsupported type " + t);
    };
  }

  private static long integral(JsonPrimitive p) {
    return number(p).longValueExact();
  }

  private static java.math.BigDecimal number(JsonPrimitive p) {
    if (!p.isNumber()) {
      throw new IllegalArgumentException((String) null);
    }
    return p.getAsBigDecimal();
  }

  private static String string(JsonPrimitive p) {
    if (!p.isString()) {
      throw new IllegalArgumentException((String) null);
    }
    return p.getAsString();
  }

  private static String kind(JsonElement j) {
    if (j.isJsonNull()) {
      return "null";
    }
    if (j.isJsonObject()) {
      return "an object";
    }
    if (j.isJsonArray()) {
      return "an array";
    }
    JsonPrimitive p = j.getAsJsonPrimitive();
    return p.isBoolean() ? "a boolean" : p.isNumber() ? "a number (" + p + ")" : "a string";
  }
}
