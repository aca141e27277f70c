package dev.larder.online;

import dev.larder.core.v1.Field;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.JoinKeyTypes;
import dev.larder.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one encoding of an entity key (a view's join key values) as the online store's RocksDB key. The
 * materializer encodes Java-form values and the server encodes the protobuf values of a request; both
 * go through this class so that they always produce the same bytes.
 *
 * <p>Per key, in join key order:
 * <ul>
 *   <li>INT64 and TIMESTAMP (micros): 8 bytes big-endian with the sign bit flipped, INT32: 4 such bytes, so
 *       that unsigned byte order equals numeric order;</li>
 *   <li>STRING (UTF-8) and BYTES: unsigned varint length, then the bytes; prefix-free, so composite keys
 *       never collide ({@code ("ab","c")} and {@code ("a","bc")} differ);</li>
 *   <li>BOOL: one byte, 0 or 1.</li>
 * </ul>
 * The view name and version are not part of the key: they are the directory the run lives in.
 *
 * <p>Integer widths: an INT64 key accepts int32 values (widening is exact); an INT32 key accepts int64
 * values that fit in 32 bits, because clients in many languages only have one integer type. Every other
 * mismatch, and a missing (null) key, is rejected with a message naming the key and its expected type.
 */
public final class EntityKeyCodec {
  private final List<Field> joinKeys;
  private final ValueType[] types;

  public EntityKeyCodec(List<Field> joinKeys) {
    if (joinKeys.isEmpty()) {
      throw new IllegalArgumentException("a view needs at least one join key");
    }
    this.joinKeys = List.copyOf(joinKeys);
    this.types = new ValueType[joinKeys.size()];
    for (int i = 0; i < types.length; i++) {
      JoinKeyTypes.require(joinKeys.get(i).getName(), joinKeys.get(i).getType());
      types[i] = joinKeys.get(i).getType();
    }
  }

  public List<Field> joinKeys() {
    return joinKeys;
  }

  public int size() {
    return types.length;
  }

  /** Encodes Java-form values (see {@link Values}), one per join key. */
  public byte[] encode(Object[] keyValues) {
    ByteWriter w = new ByteWriter(16);
    encodeTo(keyValues, w);
    return w.toByteArray();
  }

  /** Encodes the protobuf values of a request, one per join key. */
  public byte[] encode(List<Value> keyValues) {
    checkCount(keyValues.size());
    ByteWriter w = new ByteWriter(16);
    for (int i = 0; i < types.length; i++) {
      Value v = keyValues.get(i);
      switch (types[i]) {
        case INT64 -> w.writeLong(flip(switch (v.getValCase()) {
          case INT64_VAL -> v.getInt64Val();
          case INT32_VAL -> v.getInt32Val();
          default -> throw wrongType(i, v);
        }));
        case INT32 -> w.writeInt(flip(switch (v.getValCase()) {
          case INT32_VAL -> v.getInt32Val();
          case INT64_VAL -> toInt(i, v.getInt64Val());
          default -> throw wrongType(i, v);
        }));
        case TIMESTAMP -> {
          if (v.getValCase() != Value.ValCase.TIMESTAMP_VAL) {
            throw wrongType(i, v);
          }
          w.writeLong(flip(Timestamps.fromProto(v.getTimestampVal())));
        }
        case STRING -> {
          if (v.getValCase() != Value.ValCase.STRING_VAL) {
            throw wrongType(i, v);
          }
          byte[] b = v.getStringValBytes().toByteArray();
          w.writeBytes(b);
        }
        case BYTES -> {
          if (v.getValCase() != Value.ValCase.BYTES_VAL) {
            throw wrongType(i, v);
          }
          w.writeVarint(v.getBytesVal().size());
          byte[] b = v.getBytesVal().toByteArray();
          w.write(b, 0, b.length);
        }
        case BOOL -> {
          if (v.getValCase() != Value.ValCase.BOOL_VAL) {
            throw wrongType(i, v);
          }
          w.write(v.getBoolVal() ? 1 : 0);
        }
        default -> throw new IllegalStateException(types[i].name());
      }
    }
    return w.toByteArray();
  }

  public void encodeTo(Object[] keyValues, ByteWriter w) {
    checkCount(keyValues.length);
    for (int i = 0; i < types.length; i++) {
      Object v = keyValues[i];
      switch (types[i]) {
        case INT64, TIMESTAMP -> {
          if (v instanceof Long l) {
            w.writeLong(flip(l));
          } else if (v instanceof Integer n && types[i] == ValueType.INT64) {
            w.writeLong(flip((long) n));
          } else {
            throw wrongJavaType(i, v);
          }
        }
        case INT32 -> {
          if (v instanceof Integer n) {
            w.writeInt(flip(n));
          } else if (v instanceof Long l) {
            w.writeInt(flip(toInt(i, l)));
          } else {
            throw wrongJavaType(i, v);
          }
        }
        case STRING -> {
          if (!(v instanceof String s)) {
            throw wrongJavaType(i, v);
          }
          w.writeString(s);
        }
        case BYTES -> {
          if (!(v instanceof byte[] b)) {
            throw wrongJavaType(i, v);
          }
          w.writeBytes(b);
        }
        case BOOL -> {
          if (!(v instanceof Boolean b)) {
            throw wrongJavaType(i, v);
          }
          w.write(b ? 1 : 0);
        }
        default -> throw new IllegalStateException(types[i].name());
      }
    }
  }

  /** Whether every join key is fixed-width (int32, int64, timestamp, bool), so {@link #encodeRawTo} applies. */
  public boolean fixedWidth() {
    for (ValueType t : types) {
      if (!FeatureRowCodec.isFixedWidth(t)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Encodes fixed-width key values given in raw form ({@link FeatureRowCodec#encodeRawTo}): the same bytes as
   * {@link #encode(Object[])} of the boxed values, without boxing them. Only when {@link #fixedWidth()}.
   */
  public void encodeRawTo(long[] raw, ByteWriter w) {
    checkCount(raw.length);
    for (int i = 0; i < types.length; i++) {
      switch (types[i]) {
        case INT64, TIMESTAMP -> w.writeLong(flip(raw[i]));
        case INT32 -> w.writeInt(flip((int) raw[i]));
        case BOOL -> w.write(raw[i] != 0 ? 1 : 0);
        default -> throw new IllegalStateException("join key type " + types[i] + " has no raw form");
      }
    }
  }

  /** Decodes a key back to Java-form values; for tools and tests. */
  public Object[] decode(byte[] key) {
    ByteReader r = new ByteReader(key, 0, key.length);
    Object[] out = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      out[i] = switch (types[i]) {
        case INT64, TIMESTAMP -> r.readLong() ^ Long.MIN_VALUE;
        case INT32 -> r.readInt() ^ Integer.MIN_VALUE;
        case STRING -> {
          int n = r.readLength();
          String s = new String(key, r.position(), n, StandardCharsets.UTF_8);
          r.skip(n);
          yield s;
        }
        case BYTES -> {
          int n = r.readLength();
          byte[] b = java.util.Arrays.copyOfRange(key, r.position(), r.position() + n);
          r.skip(n);
          yield b;
        }
        case BOOL -> r.readByte() != 0;
        default -> throw new IllegalStateException(types[i].name());
      };
    }
    if (!r.atEnd()) {
      throw new IllegalArgumentException("key has " + (key.length - r.position()) + " trailing bytes");
    }
    return out;
  }

  private static long flip(long v) {
    return v ^ Long.MIN_VALUE;
  }

  private static int flip(int v) {
    return v ^ Integer.MIN_VALUE;
  }

  private int toInt(int i, long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("join key '" + joinKeys.get(i).getName() + "' expects int32, got " + v
          + " which is outside the int32 range");
    }
    return (int) v;
  }

  private void checkCount(int n) {
    if (n != types.length) {
      throw new IllegalArgumentException("expected " + types.length + " join key value(s) ("
          + String.join(", ", joinKeys.stream().map(Field::getName).toList()) + "), got " + n);
    }
  }

  private IllegalArgumentException wrongType(int i, Value v) {
    ValueType got = Values.typeOf(v);
    if (got == null) {
      return new IllegalArgumentException("join key '" + joinKeys.get(i).getName() + "' is missing (null); expected "
          + Values.typeName(types[i]));
    }
    return new IllegalArgumentException("join key '" + joinKeys.get(i).getName() + "' expects "
        + Values.typeName(types[i]) + ", got " + Values.typeName(got));
  }

  private IllegalArgumentException wrongJavaType(int i, Object v) {
    String name = joinKeys.get(i).getName();
    if (v == null) {
      return new IllegalArgumentException("join key '" + name + "' is null; expected " + Values.typeName(types[i]));
    }
    return new IllegalArgumentException("join key '" + name + "' expects " + Values.typeName(types[i])
        + ", got " + v.getClass().getSimpleName() + " " + v);
  }
}
