package dev.larder.compute;

import dev.larder.core.v1.ValueType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encoding of non-null values in spill files (not Java serialization: smaller, faster, and
 * independent of class versions). Strings are dictionary-encoded per file for the first
 * {@link #MAX_DICTIONARY} distinct values, so repeated values such as event types cost a varint each; the
 * writer and the reader build the same dictionary as they go.
 */
final class SpillCodec {
  static final int MAX_DICTIONARY = 1 << 16;

  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> strings = new ArrayList<>();

  void write(DataOutput out, ValueType type, Object v) throws IOException {
    switch (type) {
      case INT32 -> out.writeInt((Integer) v);
      case INT64, TIMESTAMP -> out.writeLong(((Number) v).longValue());
      case FLOAT -> out.writeFloat((Float) v);
      case DOUBLE -> out.writeDouble(((Number) v).doubleValue());
      case BOOL -> out.writeBoolean((Boolean) v);
      case STRING -> writeString(out, (String) v);
      case BYTES -> writeBytes(out, v instanceof ByteBuffer b ? bytesOf(b) : (byte[]) v);
      default -> {
        List<?> list = (List<?>) v;
        ValueType element = ValueType.forNumber(type.getNumber() - 10);
        writeVarint(out, list.size());
        for (Object e : list) {
          out.writeBoolean(e != null);
          if (e != null) {
            write(out, element, e);
          }
        }
      }
    }
  }

  Object read(DataInput in, ValueType type) throws IOException {
    return switch (type) {
      case INT32 -> in.readInt();
      case INT64, TIMESTAMP -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case BOOL -> in.readBoolean();
      case STRING -> readString(in);
      case BYTES -> readBytes(in);
      default -> {
        ValueType element = ValueType.forNumber(type.getNumber() - 10);
        int n = readVarint(in);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(in.readBoolean() ? read(in, element) : null);
        }
        yield list;
      }
    };
  }

  /** Varint: 0 = literal follows, k > 0 = dictionary entry k-1. A literal is added while there is room. */
  private void writeString(DataOutput out, String s) throws IOException {
    Integer id = ids.get(s);
    if (id != null) {
      writeVarint(out, id + 1);
      return;
    }
    writeVarint(out, 0);
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    if (strings.size() < MAX_DICTIONARY) {
      ids.put(s, strings.size());
      strings.add(s);
    }
  }

  private String readString(DataInput in) throws IOException {
    int code = readVarint(in);
    if (code > 0) {
      return strings.get(code - 1);
    }
    String s = new String(readBytes(in), StandardCharsets.UTF_8);
    if (strings.size() < MAX_DICTIONARY) {
      strings.add(s);
    }
    return s;
  }

  private static byte[] bytesOf(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static void writeBytes(DataOutput out, byte[] b) throws IOException {
    writeVarint(out, b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    byte[] b = new byte[readVarint(in)];
    in.readFully(b);
    return b;
  }

  static void writeVarint(DataOutput out, int v) throws IOException {
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  static int readVarint(DataInput in) throws IOException {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.readByte();
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }
}
