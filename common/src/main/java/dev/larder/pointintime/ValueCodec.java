package dev.larder.pointintime;

import dev.larder.core.v1.ValueType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact binary form of Java-form values (see {@code dev.larder.value.Values}) for spill files: a presence
 * byte, then the value in the width of its declared type. Not Java serialization: no class names, no headers,
 * and the reader needs the type the writer was given.
 */
final class ValueCodec {
  private ValueCodec() {}

  static void write(DataOutput out, ValueType type, Object v) throws IOException {
    if (v == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    switch (type) {
      case INT32 -> out.writeInt(((Number) v).intValue());
      case INT64, TIMESTAMP -> out.writeLong(((Number) v).longValue());
      case FLOAT -> out.writeFloat((Float) v);
      case DOUBLE -> out.writeDouble((Double) v);
      case BOOL -> out.writeBoolean((Boolean) v);
      case STRING -> writeBytes(out, ((String) v).getBytes(StandardCharsets.UTF_8));
      case BYTES -> writeBytes(out, (byte[]) v);
      default -> {
        List<?> list = (List<?>) v;
        ValueType element = elementType(type);
        out.writeInt(list.size());
        for (Object e : list) {
          write(out, element, e);
        }
      }
    }
  }

  static Object read(DataInput in, ValueType type) throws IOException {
    if (in.readByte() == 0) {
      return null;
    }
    return switch (type) {
      case INT32 -> in.readInt();
      case INT64, TIMESTAMP -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case BOOL -> in.readBoolean();
      case STRING -> new String(readBytes(in), StandardCharsets.UTF_8);
      case BYTES -> readBytes(in);
      default -> {
        int n = in.readInt();
        ValueType element = elementType(type);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read(in, element));
        }
        yield list;
      }
    };
  }

  static ValueType elementType(ValueType listType) {
    return switch (listType) {
      case INT32_LIST -> ValueType.INT32;
      case INT64_LIST -> ValueType.INT64;
      case FLOAT_LIST -> ValueType.FLOAT;
      case DOUBLE_LIST -> ValueType.DOUBLE;
      case BOOL_LIST -> ValueType.BOOL;
      case STRING_LIST -> ValueType.STRING;
      case BYTES_LIST -> ValueType.BYTES;
      case TIMESTAMP_LIST -> ValueType.TIMESTAMP;
      default -> throw new IllegalArgumentException("unsupported value type " + listType);
    };
  }

  private static void writeBytes(DataOutput out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }
}
