package dev.larder.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

class FeatureRowCodecTest {
  /** A typed feature value; the value may be null. */
  record Typed(ValueType type, Object value) {}

  @Provide
  Arbitrary<List<Typed>> rows() {
    return typed().list().ofMaxSize(20);
  }

  private static Arbitrary<Typed> typed() {
    return Arbitraries.oneOf(
        scalar(ValueType.INT32, Arbitraries.integers()),
        scalar(ValueType.INT64, Arbitraries.longs()),
        scalar(ValueType.FLOAT, Arbitraries.floats()),
        scalar(ValueType.DOUBLE, Arbitraries.doubles()),
        scalar(ValueType.BOOL, Arbitraries.of(true, false)),
        scalar(ValueType.STRING, Arbitraries.strings().ofMaxLength(40)),
        scalar(ValueType.BYTES, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
        scalar(ValueType.TIMESTAMP, Arbitraries.longs().between(-1L << 50, 1L << 50)),
        scalar(ValueType.INT64_LIST, Arbitraries.longs().list().ofMaxSize(5)),
        scalar(ValueType.DOUBLE_LIST, Arbitraries.doubles().list().ofMaxSize(5)),
        scalar(ValueType.STRING_LIST, Arbitraries.strings().ofMaxLength(8).list().ofMaxSize(5)),
        scalar(ValueType.INT32_LIST, Arbitraries.integers().list().ofMaxSize(5)),
        scalar(ValueType.BOOL_LIST, Arbitraries.of(true, false).list().ofMaxSize(5)),
        scalar(ValueType.TIMESTAMP_LIST, Arbitraries.longs().between(0, 1L << 50).list().ofMaxSize(5)));
  }

  private static <T> Arbitrary<Typed> scalar(ValueType t, Arbitrary<T> values) {
    return values.injectNull(0.2).map(v -> new Typed(t, v));
  }

  @Property(tries = 300)
  void roundTripsToJavaAndProto(@ForAll("rows") List<Typed> row, @ForAll long event, @ForAll long created) {
    List<ValueType> types = row.stream().map(Typed::type).toList();
    Object[] values = row.stream().map(Typed::value).toArray();
    FeatureRowCodec codec = new FeatureRowCodec(types);
    byte[] encoded = codec.encode(event, created, values);

    assertThat(FeatureRowCodec.eventTimestamp(encoded)).isEqualTo(event);
    assertThat(FeatureRowCodec.createdTimestamp(encoded)).isEqualTo(created);
    Object[] back = codec.decodeJava(encoded);
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] b) {
        assertThat((byte[]) back[i]).isEqualTo(b);
      } else if (values[i] instanceof Float f) {
        assertThat(Float.floatToRawIntBits((Float) back[i])).isEqualTo(Float.floatToRawIntBits(f));
      } else if (values[i] instanceof Double d) {
        assertThat(Double.doubleToRawLongBits((Double) back[i])).isEqualTo(Double.doubleToRawLongBits(d));
      } else {
        assertThat(back[i]).isEqualTo(values[i]);
      }
    }
    FeatureRowCodec.RecordWriter writer = codec.recordWriter();
    boolean[] nulls = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      nulls[i] = values[i] == null;
    }
    writer.start(event, created, nulls);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null && FeatureRowCodec.isFixedWidth(types.get(i))) {
        writer.raw(i, raw(types.get(i), values[i]));
      } else if (values[i] != null) {
        writer.value(i, values[i]);
      }
    }
    assertThat(writer.finish()).as("value by value, fixed-width ones raw").isEqualTo(encoded);
    if (types.stream().allMatch(t -> !Values.isList(t))) {
      assertThat(scalars(codec, encoded)).usingRecursiveComparison().isEqualTo(back);
    } else {
      assertThatThrownBy(() -> codec.readScalars(encoded, new Collect(types))).hasMessageContaining("not a scalar");
    }
    OnlineRow online = codec.decode(encoded);
    assertThat(online.eventTimestampMicros()).isEqualTo(event);
    assertThat(online.createdTimestampMicros()).isEqualTo(created);
    for (int i = 0; i < values.length; i++) {
      assertThat(online.values()[i]).isEqualTo(Values.toProto(types.get(i), values[i]));
    }
  }

  /**
   * A row inside a larger array (a page of rows) reads in place as on its own; and its values, copied encoded
   * into a wider row that starts with its columns, give that row's encoding.
   */
  @Property(tries = 300)
  void readsInPlaceAndCopiesValuesIntoAWiderRow(@ForAll("rows") List<Typed> row, @ForAll("rows") List<Typed> more,
                                                @ForAll long event) {
    List<ValueType> types = row.stream().map(Typed::type).toList();
    Object[] values = row.stream().map(Typed::value).toArray();
    FeatureRowCodec codec = new FeatureRowCodec(types);
    byte[] alone = codec.encode(event, 7, values);
    byte[] page = new byte[alone.length + 13];
    int off = 5;
    System.arraycopy(alone, 0, page, off, alone.length);
    Arrays.fill(page, off + alone.length, page.length, (byte) 0x7F);

    assertThat(codec.decodeJava(page, off, alone.length)).usingRecursiveComparison().isEqualTo(codec.decodeJava(alone));
    boolean[] nulls = new boolean[types.size() + more.size()];
    codec.nulls(page, off, alone.length, nulls);
    for (int i = 0; i < values.length; i++) {
      assertThat(nulls[i]).as("null %d", i).isEqualTo(values[i] == null);
      assertThat(codec.isNullAt(page, off, alone.length, i)).isEqualTo(values[i] == null);
      if (values[i] != null && FeatureRowCodec.isFixedWidth(types.get(i))) {
        assertThat(codec.raw(page, off, alone.length, i)).as("raw %d", i).isEqualTo(raw(types.get(i), values[i]));
      } else if (values[i] == null && !types.isEmpty()) {
        int feature = i;
        assertThatThrownBy(() -> codec.raw(page, off, alone.length, feature)).isInstanceOf(IllegalArgumentException.class);
      }
    }

    List<ValueType> wideTypes = new ArrayList<>(types);
    more.forEach(t -> wideTypes.add(t.type()));
    Object[] wideValues = Arrays.copyOf(values, wideTypes.size());
    for (int i = 0; i < more.size(); i++) {
      wideValues[values.length + i] = more.get(i).value();
      nulls[values.length + i] = more.get(i).value() == null;
    }
    FeatureRowCodec wide = new FeatureRowCodec(wideTypes);
    FeatureRowCodec.RecordWriter writer = wide.recordWriter();
    writer.start(event, 9, nulls);
    writer.encodedValues(page, FeatureRowCodec.valuesOffset(page, off), off + alone.length);
    for (int i = values.length; i < wideValues.length; i++) {
      if (wideValues[i] != null) {
        writer.value(i, wideValues[i]);
      }
    }
    assertThat(writer.finish()).isEqualTo(wide.encode(event, 9, wideValues));
  }

  @Test
  void aRowWrittenBeforeAFeatureWasAppendedDecodesItAsNull() {
    byte[] old = new FeatureRowCodec(List.of(ValueType.INT64)).encode(10, 20, new Object[] {5L});
    FeatureRowCodec now = new FeatureRowCodec(List.of(ValueType.INT64, ValueType.STRING));
    assertThat(now.decodeJava(old)).containsExactly(5L, null);
    assertThat(scalars(now, old)).containsExactly(5L, null);
    assertThat(now.decode(old).values()).containsExactly(Value.newBuilder().setInt64Val(5).build(), Values.NULL);
  }

  @Test
  void nullBitmapCoversMoreThanEightFeatures() {
    List<ValueType> types = new ArrayList<>(java.util.Collections.nCopies(11, ValueType.INT32));
    Object[] values = new Object[11];
    values[0] = 1;
    values[9] = 9;
    FeatureRowCodec codec = new FeatureRowCodec(types);
    assertThat(Arrays.asList(codec.decodeJava(codec.encode(1, FeatureRowCodec.NO_CREATED_TIMESTAMP, values))))
        .containsExactly(1, null, null, null, null, null, null, null, null, 9, null);
  }

  @Test
  void rejectsWrongJavaTypesAndCorruptRows() {
    FeatureRowCodec codec = new FeatureRowCodec(List.of(ValueType.DOUBLE));
    assertThatThrownBy(() -> codec.encode(1, 1, new Object[] {"x"}))
        .hasMessageContaining("feature at position 0 expects double, got String x");
    byte[] ok = codec.encode(1, 1, new Object[] {1.5});
    assertThatThrownBy(() -> codec.decodeJava(Arrays.copyOf(ok, ok.length - 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    byte[] wrongFormat = ok.clone();
    wrongFormat[0] = 9;
    assertThatThrownBy(() -> codec.decode(wrongFormat)).hasMessageContaining("format 9");
  }

  @Property(tries = 300)
  void smallIntegersAreCompact(@ForAll("smallInts") Tuple.Tuple2<Integer, Long> v) {
    FeatureRowCodec codec = new FeatureRowCodec(List.of(ValueType.INT32, ValueType.INT64));
    // header 17 + count 1 + bitmap 1 + two one-byte varints
    assertThat(codec.encode(0, 0, new Object[] {v.get1(), v.get2()})).hasSize(21);
  }

  @Provide
  Arbitrary<Tuple.Tuple2<Integer, Long>> smallInts() {
    return Arbitraries.integers().between(-64, 63).flatMap(i -> Arbitraries.longs().between(-64, 63).map(l -> Tuple.of(i, l)));
  }

  private static long raw(ValueType t, Object v) {
    return switch (t) {
      case INT32 -> (Integer) v;
      case INT64, TIMESTAMP -> (Long) v;
      case FLOAT -> Float.floatToRawIntBits((Float) v);
      case DOUBLE -> Double.doubleToRawLongBits((Double) v);
      case BOOL -> (Boolean) v ? 1 : 0;
      default -> throw new AssertionError(t + " has no raw form");
    };
  }

  /** What {@link FeatureRowCodec#readScalars} hands out, in {@link FeatureRowCodec#decodeJava}'s Java forms. */
  private static Object[] scalars(FeatureRowCodec codec, byte[] row) {
    Collect c = new Collect(codec.types());
    codec.readScalars(row, c);
    return c.values;
  }

  private static final class Collect implements FeatureRowCodec.ScalarSink {
    final List<ValueType> types;
    final Object[] values;

    Collect(List<ValueType> types) {
      this.types = types;
      this.values = new Object[types.size()];
      Arrays.fill(values, "unset");
    }

    @Override
    public void nullValue(int feature) {
      values[feature] = null;
    }

    @Override
    public void raw(int feature, long raw) {
      values[feature] = switch (types.get(feature)) {
        case INT32 -> (int) raw;
        case INT64, TIMESTAMP -> raw;
        case FLOAT -> Float.intBitsToFloat((int) raw);
        case DOUBLE -> Double.longBitsToDouble(raw);
        case BOOL -> raw != 0;
        default -> throw new AssertionError(types.get(feature) + " has no raw form");
      };
    }

    @Override
    public void bytes(int feature, byte[] array, int offset, int length) {
      byte[] b = Arrays.copyOfRange(array, offset, offset + length);
      values[feature] = types.get(feature) == ValueType.STRING ? new String(b, StandardCharsets.UTF_8) : b;
    }
  }
}
