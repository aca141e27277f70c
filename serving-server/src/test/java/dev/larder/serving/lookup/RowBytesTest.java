package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.ValueType;
import dev.larder.online.FeatureRowCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The direct writer of cached rows must give byte for byte what decoding the row into {@code Value} messages
 * and serializing them gives: on random rows of every scalar type, with nulls, extreme and negative values,
 * timestamps before 1970, empty and non-ASCII strings, and rows written before features were appended.
 */
class RowBytesTest {
  private static final ValueType[] SCALARS = {ValueType.INT32, ValueType.INT64, ValueType.FLOAT, ValueType.DOUBLE,
      ValueType.BOOL, ValueType.STRING, ValueType.BYTES, ValueType.TIMESTAMP};

  @RepeatedTest(500)
  void equalsTheDecodedAndSerializedRow(RepetitionInfo info) {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    List<ValueType> types = new ArrayList<>();
    for (int i = random.nextInt(0, 12); i > 0; i--) {
      types.add(SCALARS[random.nextInt(SCALARS.length)]);
    }
    // Sometimes the row was written by an older definition with fewer features.
    int written = types.isEmpty() || random.nextInt(4) > 0 ? types.size() : random.nextInt(types.size());
    FeatureRowCodec writer = new FeatureRowCodec(types.subList(0, written));
    FeatureRowCodec reader = new FeatureRowCodec(types);
    Object[] values = new Object[written];
    for (int i = 0; i < written; i++) {
      values[i] = random.nextInt(5) == 0 ? null : value(types.get(i), random);
    }
    long event = random.nextBoolean() ? random.nextLong(-4_000_000_000_000_000L, 4_000_000_000_000_000L)
        : random.nextLong(-3, 3) * 1_000_000L;
    byte[] encoded = writer.encode(event, FeatureRowCodec.NO_CREATED_TIMESTAMP, values);

    CachedRow direct = RowBytes.of(reader, encoded);
    CachedRow reference = CachedRow.of(reader.decode(encoded));

    assertThat(direct.bytes).isEqualTo(reference.bytes);
    assertThat(direct.eventMicros).isEqualTo(reference.eventMicros);
    assertThat(direct.featureCount()).isEqualTo(reference.featureCount());
    for (int f = 0; f < types.size(); f++) {
      assertThat(direct.valueStart(f)).as("start of feature %d", f).isEqualTo(reference.valueStart(f));
      assertThat(direct.valueLength(f)).as("length of feature %d", f).isEqualTo(reference.valueLength(f));
      assertThat(direct.isNull(f)).as("null of feature %d", f).isEqualTo(reference.isNull(f));
    }
    assertThat(direct.timestampStart()).isEqualTo(reference.timestampStart());
    assertThat(direct.timestampLength()).isEqualTo(reference.timestampLength());
  }

  @Test
  void rowsWithListsTakeTheGeneralPath() {
    FeatureRowCodec codec = new FeatureRowCodec(List.of(ValueType.INT64, ValueType.STRING_LIST));
    byte[] encoded = codec.encode(5_000_000L, FeatureRowCodec.NO_CREATED_TIMESTAMP, new Object[] {7L, List.of("a", "b")});
    assertThat(codec.scalarsOnly()).isFalse();
    assertThat(CachedRow.decode(codec, encoded).bytes).isEqualTo(CachedRow.of(codec.decode(encoded)).bytes);
  }

  private static Object value(ValueType type, SplittableRandom random) {
    return switch (type) {
      case INT32 -> random.nextBoolean() ? random.nextInt() : random.nextInt(-2, 2);
      case INT64 -> random.nextBoolean() ? random.nextLong() : (long) random.nextInt(-2, 2);
      case FLOAT -> pick(random, Float.NaN, -0.0f, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, (float) random.nextDouble());
      case DOUBLE -> pick(random, Double.NaN, -0.0, Double.MIN_VALUE, Double.POSITIVE_INFINITY, random.nextDouble() * 1e9);
      case BOOL -> random.nextBoolean();
      case STRING -> pick(random, "", "user 42", "grüße ☃ 🙂", "x".repeat(random.nextInt(0, 300)));
      case BYTES -> pick(random, new byte[0], "raw".getBytes(StandardCharsets.UTF_8), new byte[random.nextInt(0, 200)]);
      case TIMESTAMP -> pick(random, 0L, -1L, 999_999L, -1_000_001L, random.nextLong(-1L << 50, 1L << 50));
      default -> throw new IllegalArgumentException(type.name());
    };
  }

  @SafeVarargs
  private static <T> T pick(SplittableRandom random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
