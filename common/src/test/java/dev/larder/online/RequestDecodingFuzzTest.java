package dev.larder.online;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of what the server does with request bytes before touching the store: parse a
 * {@code GetOnlineFeaturesRequest}, then encode each entity row to an online key with {@link EntityKeyCodec}.
 * Allowed outcomes: a key that decodes back to the row, {@link InvalidProtocolBufferException}, or an
 * {@link IllegalArgumentException} with a message (the server maps it to INVALID_ARGUMENT). Replays
 * {@code RequestDecodingFuzzTestInputs/} without {@code JAZZER_FUZZ=1}.
 */
class RequestDecodingFuzzTest {
  static final EntityKeyCodec ONE = new EntityKeyCodec(List.of(key("user_id", ValueType.INT64)));
  static final EntityKeyCodec MANY = new EntityKeyCodec(List.of(key("user_id", ValueType.INT64),
      key("shop", ValueType.STRING), key("n", ValueType.INT32), key("ok", ValueType.BOOL), key("b", ValueType.BYTES)));

  @FuzzTest(maxDuration = "2m")
  void decodeRequest(byte[] data) {
    GetOnlineFeaturesRequest request;
    try {
      request = GetOnlineFeaturesRequest.parseFrom(data);
    } catch (InvalidProtocolBufferException expected) {
      return;
    }
    List<RepeatedValue> columns = new ArrayList<>(request.getEntitiesMap().values());
    for (Map.Entry<String, RepeatedValue> e : request.getEntitiesMap().entrySet()) {
      for (Value v : e.getValue().getValuesList()) {
        encodeRoundTrip(ONE, List.of(v));
      }
    }
    int rows = columns.stream().mapToInt(RepeatedValue::getValuesCount).min().orElse(0);
    for (int r = 0; r < Math.min(rows, 100); r++) {
      List<Value> row = new ArrayList<>();
      for (int c = 0; c < MANY.size(); c++) {
        row.add(columns.get(c % columns.size()).getValues(r));
      }
      encodeRoundTrip(MANY, row);
    }
  }

  private static void encodeRoundTrip(EntityKeyCodec codec, List<Value> row) {
    byte[] key;
    try {
      key = codec.encode(row);
    } catch (IllegalArgumentException expected) {
      requireMessage(expected);
      return;
    }
    codec.decode(key);
  }

  private static void requireMessage(IllegalArgumentException e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("refusal without a message", e);
    }
  }

  private static Field key(String name, ValueType type) {
    return Field.newBuilder().setName(name).setType(type).build();
  }
}
