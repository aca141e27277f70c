package dev.larder.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class EntityKeyCodecTest {
  private static Field key(String name, ValueType t) {
    return Field.newBuilder().setName(name).setType(t).build();
  }

  private static final EntityKeyCodec INT64 = new EntityKeyCodec(List.of(key("user_id", ValueType.INT64)));
  private static final EntityKeyCodec INT32 = new EntityKeyCodec(List.of(key("shop_id", ValueType.INT32)));
  private static final EntityKeyCodec COMPOSITE = new EntityKeyCodec(List.of(
      key("country", ValueType.STRING), key("user_id", ValueType.INT64), key("active", ValueType.BOOL),
      key("blob", ValueType.BYTES), key("day", ValueType.TIMESTAMP), key("shard", ValueType.INT32)));

  @Property(tries = 300)
  void int64ByteOrderIsNumericOrder(@ForAll long a, @ForAll long b) {
    int bytes = Integer.signum(Arrays.compareUnsigned(INT64.encode(new Object[] {a}), INT64.encode(new Object[] {b})));
    assertThat(bytes).isEqualTo(Integer.signum(Long.compare(a, b)));
  }

  @Property(tries = 300)
  void int32ByteOrderIsNumericOrder(@ForAll int a, @ForAll int b) {
    int bytes = Integer.signum(Arrays.compareUnsigned(INT32.encode(new Object[] {a}), INT32.encode(new Object[] {b})));
    assertThat(bytes).isEqualTo(Integer.signum(Integer.compare(a, b)));
  }

  @Property(tries = 300)
  void compositeKeysRoundTripAndProtoEncodingIsIdentical(@ForAll String country, @ForAll long user,
                                                        @ForAll boolean active, @ForAll byte[] blob,
                                                        @ForAll long day, @ForAll int shard) {
    Object[] javaForm = {country, user, active, blob, day, shard};
    byte[] encoded = COMPOSITE.encode(javaForm);
    Object[] decoded = COMPOSITE.decode(encoded);
    assertThat(decoded[0]).isEqualTo(country);
    assertThat(decoded[1]).isEqualTo(user);
    assertThat(decoded[2]).isEqualTo(active);
    assertThat((byte[]) decoded[3]).isEqualTo(blob);
    assertThat(decoded[4]).isEqualTo(day);
    assertThat(decoded[5]).isEqualTo(shard);

    List<Value> proto = List.of(
        Value.newBuilder().setStringVal(country).build(),
        Value.newBuilder().setInt64Val(user).build(),
        Value.newBuilder().setBoolVal(active).build(),
        Value.newBuilder().setBytesVal(ByteString.copyFrom(blob)).build(),
        Value.newBuilder().setTimestampVal(Timestamps.toProto(day)).build(),
        Value.newBuilder().setInt32Val(shard).build());
    if (day > Long.MIN_VALUE / 2 && day < Long.MAX_VALUE / 2) { // a proto Timestamp holds seconds+nanos
      assertThat(COMPOSITE.encode(proto)).isEqualTo(encoded);
    }
  }

  @Property(tries = 300)
  void distinctStringPairsNeverCollide(@ForAll String a1, @ForAll String a2, @ForAll String b1, @ForAll String b2) {
    EntityKeyCodec two = new EntityKeyCodec(List.of(key("a", ValueType.STRING), key("b", ValueType.STRING)));
    boolean same = a1.equals(b1) && a2.equals(b2);
    assertThat(Arrays.equals(two.encode(new Object[] {a1, a2}), two.encode(new Object[] {b1, b2}))).isEqualTo(same);
  }

  @Test
  void concatenationAmbiguityIsImpossible() {
    EntityKeyCodec two = new EntityKeyCodec(List.of(key("a", ValueType.STRING), key("b", ValueType.STRING)));
    assertThat(two.encode(new Object[] {"ab", "c"})).isNotEqualTo(two.encode(new Object[] {"a", "bc"}));
  }

  @Test
  void rejectsWrongTypedProtoValuesNamingKeyAndType() {
    assertThatThrownBy(() -> INT64.encode(List.of(Value.newBuilder().setStringVal("42").build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("join key 'user_id' expects int64, got string");
    assertThatThrownBy(() -> INT64.encode(List.of(Values.NULL)))
        .hasMessageContaining("join key 'user_id' is missing");
    assertThatThrownBy(() -> INT64.encode(List.of()))
        .hasMessageContaining("expected 1 join key value(s) (user_id), got 0");
    assertThatThrownBy(() -> INT64.encode(new Object[] {"42"}))
        .hasMessageContaining("join key 'user_id' expects int64, got String 42");
  }

  @Test
  void integerWidthsAreAcceptedWhenExact() {
    assertThat(INT64.encode(List.of(Value.newBuilder().setInt32Val(7).build())))
        .isEqualTo(INT64.encode(new Object[] {7L}));
    assertThat(INT32.encode(List.of(Value.newBuilder().setInt64Val(7).build())))
        .isEqualTo(INT32.encode(new Object[] {7}));
    assertThatThrownBy(() -> INT32.encode(List.of(Value.newBuilder().setInt64Val(1L << 40).build())))
        .hasMessageContaining("join key 'shop_id' expects int32, got 1099511627776 which is outside the int32 range");
  }

  @Test
  void rejectsUnsupportedKeyTypes() {
    assertThatThrownBy(() -> new EntityKeyCodec(List.of(key("score", ValueType.DOUBLE))))
        .hasMessageContaining("join key 'score' has type DOUBLE; join keys must be INT64, INT32, STRING, BYTES, BOOL or TIMESTAMP");
  }
}
