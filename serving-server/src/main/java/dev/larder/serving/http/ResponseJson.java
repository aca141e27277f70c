package dev.larder.serving.http;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import dev.larder.core.v1.Null;
import dev.larder.core.v1.Value;
import dev.larder.serving.http.JsonSink.NotCanonical;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.nio.charset.StandardCharsets;

/**
 * Turns a serialized {@code GetOnlineFeaturesResponse} (the bytes {@code OnlineLookup.lookupEncoded} gives the
 * gRPC path) straight into the JSON that {@code JsonFormat.printer().preservingProtoFieldNames()
 * .omittingInsignificantWhitespace()} prints for the parsed message, byte for byte, without building the
 * message. JsonFormat walks the message by reflection and formats each timestamp through
 * {@code SimpleDateFormat} and {@code String.format}; for a 1x50 lookup that was about two thirds of the
 * server's CPU per HTTP call.
 *
 * <p>It reads the wire format as protobuf writes it: fields in number order, each repeated field in one run
 * (packed or not), one field per {@code Value}. Anything else (unknown fields, a field repeated out of order,
 * two oneof members, malformed data, invalid UTF-8, a timestamp JsonFormat refuses) is {@link NotCanonical};
 * the caller then parses and prints with protobuf's own code, so the answer is the same either way.
 * {@code JsonFormatIdentityTest} compares both over generated responses.
 */
final class ResponseJson {
  private static final int VARINT = 0;
  private static final int I64 = 1;
  private static final int LEN = 2;
  private static final int I32 = 5;

  private static final byte[][] RESPONSE_FIELDS = names(GetOnlineFeaturesResponse.getDescriptor(), 3);
  private static final byte[][] VECTOR_FIELDS = names(FeatureVector.getDescriptor(), 3);
  private static final byte[][] VALUE_FIELDS = names(Value.getDescriptor(), 20);
  private static final byte[] LIST_FIELD = "\"val\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] STATUS_NAMES = enumNames(FieldStatus.getDescriptor());
  private static final byte[][] NULL_NAMES = enumNames(Null.getDescriptor());

  /**
   * Each thread's working buffer (the event loops', or the pool's): the JSON is built there and copied out once
   * at its exact size, instead of into a new buffer per response that is then copied again.
   */
  private static final ThreadLocal<JsonSink> SCRATCH = ThreadLocal.withInitial(() -> new JsonSink(16 << 10));
  private static final int MAX_KEPT_BYTES = 1 << 20;

  private final byte[] in;
  private int pos;
  private int limit;
  private final JsonSink out;

  private ResponseJson(byte[] in, JsonSink out) {
    this.in = in;
    this.limit = in.length;
    this.out = out;
  }

  /**
   * The JSON of the response serialized in {@code wire}.
   *
   * @throws NotCanonical when the bytes are outside what this writer reproduces exactly
   */
  static byte[] print(byte[] wire) throws NotCanonical {
    JsonSink out = SCRATCH.get();
    out.reset();
    try {
      new ResponseJson(wire, out).response();
      return out.toByteArray();
    } finally {
      if (out.capacity() > MAX_KEPT_BYTES) {
        SCRATCH.remove(); // a rare huge response does not pin its buffer to the thread
      }
    }
  }

  private void response() throws NotCanonical {
    Fields f = new Fields(RESPONSE_FIELDS);
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> {
          expect(tag, LEN);
          f.element(1);
          int n = length();
          out.utf8String(in, pos, n);
          pos += n;
        }
        case 2 -> {
          expect(tag, LEN);
          f.element(2);
          int end = enter();
          featureVector();
          leave(end);
        }
        case 3 -> {
          if ((tag & 7) == VARINT) {
            f.element(3);
            out.int64(varint());
          } else {
            expect(tag, LEN);
            int end = enter();
            while (pos < limit) {
              f.element(3);
              out.int64(varint());
            }
            leave(end);
          }
        }
        default -> throw new NotCanonical("unknown field " + (tag >>> 3) + " in GetOnlineFeaturesResponse");
      }
    }
    f.close();
  }

  private void featureVector() throws NotCanonical {
    Fields f = new Fields(VECTOR_FIELDS);
    while (pos < limit) {
      int tag = tag();
      switch (tag >>> 3) {
        case 1 -> {
          expect(tag, LEN);
          f.element(1);
          int end = enter();
          value();
          leave(end);
        }
        case 2 -> {
          if ((tag & 7) == VARINT) {
            f.element(2);
            enumValue(STATUS_NAMES, (int) varint());
          } else {
            expect(tag, LEN);
            int end = enter();
            while (pos < limit) {
              f.element(2);
              enumValue(STATUS_NAMES, (int) varint());
            }
            leave(end);
          }
        }
        case 3 -> {
          expect(tag, LEN);
          f.element(3);
          int end = enter();
          timestamp();
          leave(end);
        }
        default -> throw new NotCanonical("unknown field " + (tag >>> 3) + " in FeatureVector");
      }
    }
    f.close();
  }

  /** A {@code Value}: its one oneof member, or {@code {}} when none is set. */
  private void value() throws NotCanonical {
    out.put('{');
    if (pos == limit) {
      out.put('}');
      return;
    }
    int tag = tag();
    int field = tag >>> 3;
    byte[] name = field < VALUE_FIELDS.length ? VALUE_FIELDS[field] : null;
    if (name == null) {
      throw new NotCanonical("unknown field " + field + " in Value");
    }
    out.put(name);
    switch (field) {
      case 1, 2, 3, 4, 5, 6, 7, 8 -> scalar(field, tag);
      case 20 -> enumValue(NULL_NAMES, (int) varint(tag));
      default -> {
        expect(tag, LEN);
        int end = enter();
        list(field);
        leave(end);
      }
    }
    if (pos != limit) {
      throw new NotCanonical("more than one field in a Value");
    }
    out.put('}');
  }

  /** An {@code Int32List} ... {@code TimestampList}: {@code {"val":[...]}}, or {@code {}} when empty. */
  private void list(int valueField) throws NotCanonical {
    out.put('{');
    boolean open = false;
    while (pos < limit) {
      int tag = tag();
      if (tag >>> 3 != 1) {
        throw new NotCanonical("unknown field " + (tag >>> 3) + " in a list value");
      }
      int packedType = switch (valueField) {
        case 11, 12, 15 -> VARINT;
        case 13 -> I32;
        case 14 -> I64;
        default -> -1; // strings, bytes and timestamps are never packed
      };
      if (packedType >= 0 && (tag & 7) == LEN) {
        int end = enter();
        while (pos < limit) {
          open = listElement(open);
          listValue(valueField, 1 << 3 | packedType);
        }
        leave(end);
      } else {
        open = listElement(open);
        listValue(valueField, tag);
      }
    }
    if (open) {
      out.put(']');
    }
    out.put('}');
  }

  private boolean listElement(boolean open) {
    if (open) {
      out.put(',');
    } else {
      out.put(LIST_FIELD);
    }
    return true;
  }

  /** One element of a list, whose tag (or, packed, the tag it would have) is {@code tag}. */
  private void listValue(int valueField, int tag) throws NotCanonical {
    if (valueField < 11 || valueField > 18) {
      throw new NotCanonical("unknown field " + valueField + " in Value");
    }
    scalar(valueField - 10, tag); // an element of list field 1x has the form of scalar field x
  }

  /** A scalar of {@code Value} field {@code field} (1 to 8), whose tag is {@code tag}. */
  private void scalar(int field, int tag) throws NotCanonical {
    switch (field) {
      case 1 -> out.int32((int) varint(tag));
      case 2 -> out.int64(varint(tag));
      case 3 -> out.float32(Float.intBitsToFloat(fixed32(tag)));
      case 4 -> out.float64(Double.longBitsToDouble(fixed64(tag)));
      case 5 -> out.bool(varint(tag) != 0);
      case 6, 7 -> {
        expect(tag, LEN);
        int n = length();
        if (field == 6) {
          out.utf8String(in, pos, n);
        } else {
          out.base64(in, pos, n);
        }
        pos += n;
      }
      case 8 -> {
        expect(tag, LEN);
        int end = enter();
        timestamp();
        leave(end);
      }
      default -> throw new IllegalStateException("not a scalar Value field: " + field);
    }
  }

  /** A {@code google.protobuf.Timestamp} (seconds = 1, nanos = 2, each at most once, in either order). */
  private void timestamp() throws NotCanonical {
    long seconds = 0;
    int nanos = 0;
    int seen = 0;
    while (pos < limit) {
      int tag = tag();
      int field = tag >>> 3;
      if ((field != 1 && field != 2) || (seen & field) != 0) {
        throw new NotCanonical("unexpected or repeated field " + field + " in a Timestamp");
      }
      seen |= field;
      long v = varint(tag);
      if (field == 1) {
        seconds = v;
      } else {
        nanos = (int) v;
      }
    }
    out.timestamp(seconds, nanos);
  }

  private void enumValue(byte[][] names, int number) {
    if (number >= 0 && number < names.length && names[number] != null) {
      out.put(names[number]);
    } else {
      out.int32(number); // JsonFormat prints a number it has no name for as the number
    }
  }

  /** The repeated fields of one message, each printed as one array, in field-number order. */
  private final class Fields {
    private final byte[][] names;
    private int open;
    private boolean any;

    Fields(byte[][] names) {
      this.names = names;
      out.put('{');
    }

    /** Starts the next element of {@code field}, opening its array if it is not the open one. */
    void element(int field) throws NotCanonical {
      if (field == open) {
        out.put(',');
        return;
      }
      if (field < open) {
        throw new NotCanonical("field " + field + " after field " + open);
      }
      if (open != 0) {
        out.put(']');
      }
      if (any) {
        out.put(',');
      }
      out.put(names[field]);
      open = field;
      any = true;
    }

    void close() {
      if (open != 0) {
        out.put(']');
      }
      out.put('}');
    }
  }

  private static void expect(int tag, int wireType) throws NotCanonical {
    if ((tag & 7) != wireType) {
      throw new NotCanonical("field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
    }
  }

  private int tag() throws NotCanonical {
    int tag = (int) varint();
    if (tag >>> 3 == 0) {
      throw new NotCanonical("invalid tag " + tag);
    }
    return tag;
  }

  private long varint(int tag) throws NotCanonical {
    expect(tag, VARINT);
    return varint();
  }

  private long varint() throws NotCanonical {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new NotCanonical("truncated varint");
      }
      byte b = in[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new NotCanonical("malformed varint");
  }

  private int fixed32(int tag) throws NotCanonical {
    expect(tag, I32);
    if (limit - pos < 4) {
      throw new NotCanonical("truncated fixed32");
    }
    int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16 | (in[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  private long fixed64(int tag) throws NotCanonical {
    expect(tag, I64);
    if (limit - pos < 8) {
      throw new NotCanonical("truncated fixed64");
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (in[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  /** A length prefix that fits in what is left of the current message. */
  private int length() throws NotCanonical {
    long n = varint();
    if (n < 0 || n > limit - pos) {
      throw new NotCanonical("length " + n + " beyond the end of the message");
    }
    return (int) n;
  }

  /** Reads a length prefix and narrows the limit to it; returns the limit to restore with {@link #leave}. */
  private int enter() throws NotCanonical {
    int n = length();
    int outer = limit;
    limit = pos + n;
    return outer;
  }

  private void leave(int outer) {
    limit = outer;
  }

  /** {@code "name":} for a oneof member (by field number), or {@code "name":[} for a repeated field. */
  private static byte[][] names(Descriptor message, int maxField) {
    byte[][] names = new byte[maxField + 1][];
    for (var f : message.getFields()) {
      names[f.getNumber()] = ("\"" + f.getName() + "\":" + (f.isRepeated() ? "[" : ""))
          .getBytes(StandardCharsets.UTF_8);
    }
    return names;
  }

  private static byte[][] enumNames(EnumDescriptor type) {
    int max = 0;
    for (EnumValueDescriptor v : type.getValues()) {
      max = Math.max(max, v.getNumber());
    }
    byte[][] names = new byte[max + 1][];
    for (EnumValueDescriptor v : type.getValues()) {
      names[v.getNumber()] = ("\"" + v.getName() + "\"").getBytes(StandardCharsets.UTF_8);
    }
    return names;
  }
}
