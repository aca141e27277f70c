package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Values;
import java.io.IOException;

/**
 * Which file column types may be read as which declared types. Only lossless widenings are allowed
 * (int32 to int64, float to double, and the same for lists); anything else is schema drift and an error
 * that names the file and the column.
 */
final class TypeRules {
  private TypeRules() {}

  static boolean readable(ValueType actual, ValueType expected) {
    return actual == expected
        || (actual == ValueType.INT32 && expected == ValueType.INT64)
        || (actual == ValueType.FLOAT && expected == ValueType.DOUBLE)
        || (actual == ValueType.INT32_LIST && expected == ValueType.INT64_LIST)
        || (actual == ValueType.FLOAT_LIST && expected == ValueType.DOUBLE_LIST);
  }

  static void requireReadable(ValueType actual, ValueType expected, String column, String file) throws IOException {
    if (!readable(actual, expected)) {
      throw new IOException("column '" + column + "' in " + file + " is " + Values.typeName(actual)
          + ", expected " + Values.typeName(expected));
    }
  }

  /** The element type of a list type; any other type is returned as is. */
  static ValueType element(ValueType t) {
    return switch (t) {
      case INT32_LIST -> ValueType.INT32;
      case INT64_LIST -> ValueType.INT64;
      case FLOAT_LIST -> ValueType.FLOAT;
      case DOUBLE_LIST -> ValueType.DOUBLE;
      case BOOL_LIST -> ValueType.BOOL;
      case STRING_LIST -> ValueType.STRING;
      case BYTES_LIST -> ValueType.BYTES;
      case TIMESTAMP_LIST -> ValueType.TIMESTAMP;
      default -> t;
    };
  }

  /** Converts a value of {@code actual} type to {@code expected}, which {@link #readable} allows. */
  static Object widen(ValueType actual, ValueType expected, Object v) {
    if (v == null || actual == expected) {
      return v;
    }
    return switch (expected) {
      case INT64 -> ((Integer) v).longValue();
      case DOUBLE -> ((Float) v).doubleValue();
      case INT64_LIST, DOUBLE_LIST -> {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (Object e : (java.util.List<?>) v) {
          out.add(widen(element(actual), element(expected), e));
        }
        yield out;
      }
      default -> throw new IllegalArgumentException(actual + " cannot be read as " + expected);
    };
  }
}
