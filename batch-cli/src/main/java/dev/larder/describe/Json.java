package dev.larder.describe;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * Builds the JSON that {@code list}, {@code describe} and {@code history} print: definitions in the proto3
 * JSON mapping with the field names of the textproto files, wrapped in plain objects and arrays.
 */
final class Json {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames();

  private Json() {}

  static Value of(Message m) {
    try {
      Value.Builder b = Value.newBuilder();
      JsonFormat.parser().merge(PRINTER.print(m), b);
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName() + " as JSON", e);
    }
  }

  static Value of(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  static Value of(long n) {
    return Value.newBuilder().setNumberValue(n).build();
  }

  static Value of(Struct.Builder s) {
    return Value.newBuilder().setStructValue(s).build();
  }

  static Value strings(List<String> items) {
    return array(items.stream().map(Json::of).toList());
  }

  static Value array(List<Value> items) {
    return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(items)).build();
  }

  static Struct.Builder object() {
    return Struct.newBuilder();
  }

  static String print(Value v) {
    try {
      return PRINTER.print(v);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
