package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Text to typed values and back, for CSV cells. Timestamps are ISO-8601 instants, offsets, local date-times
 * (taken as UTC, with 'T' or a space), dates (midnight UTC) or epoch numbers, whose unit is told by their
 * magnitude (seconds below 1e11, millis below 1e14, micros below 1e17, else nanos). Bytes are base64; lists
 * are JSON-like arrays ({@code [1, 2]}, {@code ["a", "b"]}).
 */
final class TextValues {
  private TextValues() {}

  /** Parses non-empty {@code text} as {@code type}; throws IllegalArgumentException saying what was expected. */
  static Object parse(ValueType type, String text) {
    if (Values.isList(type)) {
      return parseList(TypeRules.element(type), text);
    }
    String t = type == ValueType.STRING ? text : text.trim();
    try {
      return switch (type) {
        case INT32 -> Integer.parseInt(t);
        case INT64 -> Long.parseLong(t);
        case FLOAT -> Float.parseFloat(t);
        case DOUBLE -> Double.parseDouble(t);
        case BOOL -> parseBool(t);
        case STRING -> t;
        case BYTES -> Base64.getDecoder().decode(t);
        case TIMESTAMP -> Timestamps.parseMicros(t);
        default -> throw new IllegalArgumentException("unsupported type " + type);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not " + article(type));
    }
  }

  private static String article(ValueType type) {
    return switch (type) {
      case INT32 -> "an int32";
      case INT64 -> "an int64";
      case FLOAT -> "a float";
      case DOUBLE -> "a double";
      case BYTES -> "base64 bytes";
      default -> "a " + Values.typeName(type);
    };
  }

  private static Boolean parseBool(String t) {
    if (t.equalsIgnoreCase("true") || t.equals("1")) return true;
    if (t.equalsIgnoreCase("false") || t.equals("0")) return false;
    throw new IllegalArgumentException("'" + t + "' is not a bool; expected true, false, 1 or 0");
  }



  private static List<Object> parseList(ValueType element, String text) {
    String t = text.trim();
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new IllegalArgumentException("'" + text + "' is not a list; expected e.g. [1, 2, 3]");
    }
    List<Object> out = new ArrayList<>();
    String body = t.substring(1, t.length() - 1).trim();
    int i = 0;
    while (i < body.length()) {
      String item;
      if (body.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (i < body.length() && body.charAt(i) != '"') {
          char c = body.charAt(i++);
          if (c == '\\' && i < body.length()) {
            c = body.charAt(i++);
          }
          sb.append(c);
        }
        i++;
        item = sb.toString();
        out.add(element == ValueType.STRING ? item : parse(element, item));
      } else {
        int end = body.indexOf(',', i);
        item = (end < 0 ? body.substring(i) : body.substring(i, end)).trim();
        i = end < 0 ? body.length() : end;
        out.add(item.equals("null") ? null : parse(element, item));
      }
      while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
        i++;
      }
    }
    return out;
  }

  /** Formats a value the way {@link #parse} reads it back (timestamps as ISO-8601 instants). */
  static String format(ValueType type, Object v) {
    if (v == null) {
      return "";
    }
    if (Values.isList(type)) {
      ValueType e = TypeRules.element(type);
      StringBuilder sb = new StringBuilder("[");
      for (Object o : (List<?>) v) {
        if (sb.length() > 1) sb.append(", ");
        if (o == null) {
          sb.append("null");
        } else if (e == ValueType.STRING || e == ValueType.TIMESTAMP || e == ValueType.BYTES) {
          sb.append('"').append(format(e, o).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else {
          sb.append(format(e, o));
        }
      }
      return sb.append(']').toString();
    }
    return switch (type) {
      case TIMESTAMP -> Timestamps.format((Long) v);
      case BYTES -> Base64.getEncoder().encodeToString((byte[]) v);
      default -> v.toString();
    };
  }

  /** The narrowest type every sample parses as: int64, double, bool, timestamp, else string. */
  static ValueType infer(List<String> samples) {
    ValueType[] candidates = {ValueType.INT64, ValueType.DOUBLE, ValueType.BOOL, ValueType.TIMESTAMP};
    boolean any = false;
    for (ValueType c : candidates) {
      boolean all = true;
      for (String s : samples) {
        if (s.isEmpty()) continue;
        any = true;
        if (c == ValueType.BOOL && !(s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
          all = false;
          break;
        }
        if (c == ValueType.TIMESTAMP && !(s.length() >= 10 && s.charAt(4) == '-' && s.charAt(7) == '-')) {
          all = false;
          break;
        }
        try {
          parse(c, s);
        } catch (IllegalArgumentException e) {
          all = false;
          break;
        }
      }
      if (all && any) {
        return c;
      }
    }
    return ValueType.STRING;
  }
}
