package dev.larder.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The raw (unboxed) encoders write exactly the bytes of the boxed ones, so bulk loads may use either. */
class RawEncodingTest {
  private static final List<ValueType> TYPES = List.of(ValueType.INT32, ValueType.INT64, ValueType.FLOAT,
      ValueType.DOUBLE, ValueType.BOOL, ValueType.TIMESTAMP);

  @Property(tries = 300)
  void rawFeatureRowsEqualBoxedOnes(@ForAll int i, @ForAll long l, @ForAll float f, @ForAll double d,
                                    @ForAll boolean b, @ForAll long ts, @ForAll long event, @ForAll byte nullBits) {
    Object[] boxed = {i, l, f, d, b, ts};
    long[] raw = {i, l, Float.floatToRawIntBits(f), Double.doubleToRawLongBits(d), b ? 1 : 0, ts};
    boolean[] nulls = new boolean[TYPES.size()];
    for (int c = 0; c < nulls.length; c++) {
      nulls[c] = (nullBits & (1 << c)) != 0;
      if (nulls[c]) {
        boxed[c] = null;
      }
    }
    FeatureRowCodec codec = new FeatureRowCodec(TYPES);
    assertThat(codec.fixedWidth()).isTrue();
    ByteWriter w = new ByteWriter(64);
    codec.encodeRawTo(event, FeatureRowCodec.NO_CREATED_TIMESTAMP, raw, nulls, w);
    assertThat(w.toByteArray()).isEqualTo(codec.encode(event, FeatureRowCodec.NO_CREATED_TIMESTAMP, boxed));
  }

  @Property(tries = 300)
  void rawKeysEqualBoxedOnes(@ForAll int i, @ForAll long l, @ForAll boolean b, @ForAll long ts) {
    EntityKeyCodec codec = new EntityKeyCodec(List.of(key("a", ValueType.INT32), key("b", ValueType.INT64),
        key("c", ValueType.BOOL), key("d", ValueType.TIMESTAMP)));
    assertThat(codec.fixedWidth()).isTrue();
    ByteWriter w = new ByteWriter(16);
    codec.encodeRawTo(new long[] {i, l, b ? 1 : 0, ts}, w);
    assertThat(w.toByteArray()).isEqualTo(codec.encode(new Object[] {i, l, b, ts}));
  }

  @Property(tries = 10)
  void stringsHaveNoRawForm(@ForAll boolean keyIsString) {
    assertThat(new EntityKeyCodec(List.of(key("k", keyIsString ? ValueType.STRING : ValueType.INT64))).fixedWidth())
        .isEqualTo(!keyIsString);
    assertThat(new FeatureRowCodec(List.of(ValueType.DOUBLE, ValueType.STRING)).fixedWidth()).isFalse();
  }

  private static Field key(String name, ValueType type) {
    return Field.newBuilder().setName(name).setType(type).build();
  }
}
