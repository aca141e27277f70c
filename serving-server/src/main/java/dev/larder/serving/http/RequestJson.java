package dev.larder.serving.http;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the JSON of a {@code GetOnlineFeaturesRequest} in the form clients send it (strict JSON: feature refs or
 * a service, entity columns of int64, int32, string or bool values, the full-names flag; proto or lowerCamel
 * field names), without JsonFormat's parse tree and reflection, which took a fifth of the server's CPU per
 * 1x50 lookup once the response was written directly.
 *
 * <p>It accepts a subset: anything else (other value types, {@code null}, a field twice, both oneof members,
 * unknown fields, numbers with fractions or exponents, comments, trailing text, malformed JSON) gives
 * {@code null}, and the caller hands the text to JsonFormat, which then answers or refuses it as before. For
 * every text it accepts, the result equals JsonFormat's; {@code RequestJsonTest} checks that on generated and
 * mutated requests.
 */
final class RequestJson {
  private final String s;
  private int i;

  private RequestJson(String s) {
    this.s = s;
  }

  /** The request, or null when the text is outside the subset read here. */
  static GetOnlineFeaturesRequest parse(String json) {
    try {
      RequestJson p = new RequestJson(json);
      GetOnlineFeaturesRequest r = p.request();
      p.ws();
      return p.i == json.length() ? r : null;
    } catch (Outside e) {
      return null;
    }
  }

  private GetOnlineFeaturesRequest request() throws Outside {
    GetOnlineFeaturesRequest.Builder b = GetOnlineFeaturesRequest.newBuilder();
    Set<String> seen = new HashSet<>(4);
    boolean oneofSet = false;
    ws();
    expect('{');
    if (!peekAndSkip('}')) {
      do {
        String name = string();
        colon();
        switch (name) {
          case "features" -> {
            once(seen, "features");
            oneofSet = oneof(oneofSet);
            b.setFeatures(featureList());
          }
          case "feature_service", "featureService" -> {
            once(seen, "feature_service");
            oneofSet = oneof(oneofSet);
            b.setFeatureService(stringValue());
          }
          case "entities" -> {
            once(seen, "entities");
            entities(b);
          }
          case "full_feature_names", "fullFeatureNames" -> {
            once(seen, "full_feature_names");
            b.setFullFeatureNames(bool());
          }
          default -> throw Outside.INSTANCE;
        }
      } while (comma('}'));
    }
    return b.build();
  }

  private FeatureList featureList() throws Outside {
    FeatureList.Builder list = FeatureList.newBuilder();
    expect('{');
    if (!peekAndSkip('}')) {
      boolean refs = false;
      do {
        if (!string().equals("refs") || refs) {
          throw Outside.INSTANCE;
        }
        refs = true;
        colon();
        expect('[');
        if (!peekAndSkip(']')) {
          do {
            list.addRefs(stringValue());
          } while (comma(']'));
        }
      } while (comma('}'));
    }
    return list.build();
  }

  private void entities(GetOnlineFeaturesRequest.Builder b) throws Outside {
    expect('{');
    if (peekAndSkip('}')) {
      return;
    }
    Set<String> keys = new HashSet<>(4);
    do {
      String key = string();
      if (!keys.add(key)) {
        throw Outside.INSTANCE;
      }
      colon();
      RepeatedValue.Builder column = RepeatedValue.newBuilder();
      expect('{');
      if (!peekAndSkip('}')) {
        if (!string().equals("values")) {
          throw Outside.INSTANCE;
        }
        colon();
        expect('[');
        if (!peekAndSkip(']')) {
          do {
            column.addValues(value());
          } while (comma(']'));
        }
        expect('}');
      }
      b.putEntities(key, column.build());
    } while (comma('}'));
  }

  /** A {@code Value} with one int64, int32, string or bool member, or none. */
  private Value value() throws Outside {
    expect('{');
    if (peekAndSkip('}')) {
      return Value.getDefaultInstance();
    }
    String name = string();
    colon();
    Value v = switch (name) {
      case "int64_val", "int64Val" -> Value.newBuilder().setInt64Val(integer(Long.MIN_VALUE, Long.MAX_VALUE)).build();
      case "int32_val", "int32Val" -> Value.newBuilder()
          .setInt32Val((int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE)).build();
      case "string_val", "stringVal" -> Value.newBuilder().setStringVal(stringValue()).build();
      case "bool_val", "boolVal" -> Value.newBuilder().setBoolVal(bool()).build();
      default -> throw Outside.INSTANCE;
    };
    expect('}');
    return v;
  }

  /** An integer as a JSON number or string of plain decimal digits, within [min, max]. */
  private long integer(long min, long max) throws Outside {
    ws();
    boolean quoted = i < s.length() && s.charAt(i) == '"';
    int start = quoted ? i + 1 : i;
    int j = start;
    if (j < s.length() && s.charAt(j) == '-') {
      j++;
    }
    int digitsStart = j;
    while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
      j++;
    }
    int digits = j - digitsStart;
    if (digits == 0 || digits > 19 || (digits > 1 && s.charAt(digitsStart) == '0')) {
      throw Outside.INSTANCE;
    }
    if (quoted ? j >= s.length() || s.charAt(j) != '"' : j < s.length() && isNumberChar(s.charAt(j))) {
      throw Outside.INSTANCE;
    }
    long v;
    try {
      v = Long.parseLong(s, start, j, 10);
    } catch (NumberFormatException e) {
      throw Outside.INSTANCE;
    }
    if (v < min || v > max) {
      throw Outside.INSTANCE;
    }
    i = quoted ? j + 1 : j;
    return v;
  }

  private static boolean isNumberChar(char c) {
    return c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || (c >= '0' && c <= '9');
  }

  private boolean bool() throws Outside {
    ws();
    if (s.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (s.startsWith("false", i)) {
      i += 5;
      return false;
    }
    throw Outside.INSTANCE;
  }

  private String stringValue() throws Outside {
    ws();
    return string();
  }

  /** A JSON string at the current position (after whitespace), with the standard escapes decoded. */
  private String string() throws Outside {
    ws();
    expect('"');
    int start = i;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        return s.substring(start, i++);
      }
      if (c == '\\') {
        return escapedRest(start);
      }
      if (c < 0x20) {
        throw Outside.INSTANCE;
      }
      i++;
    }
    throw Outside.INSTANCE;
  }

  private String escapedRest(int start) throws Outside {
    StringBuilder b = new StringBuilder(i - start + 16).append(s, start, i);
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw Outside.INSTANCE;
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw Outside.INSTANCE;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw Outside.INSTANCE;
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i++), 16);
            if (d < 0) {
              throw Outside.INSTANCE;
            }
            v = v << 4 | d;
          }
          b.append((char) v);
        }
        default -> throw Outside.INSTANCE;
      }
    }
    throw Outside.INSTANCE;
  }

  private static void once(Set<String> seen, String field) throws Outside {
    if (!seen.add(field)) {
      throw Outside.INSTANCE;
    }
  }

  private static boolean oneof(boolean alreadySet) throws Outside {
    if (alreadySet) {
      throw Outside.INSTANCE;
    }
    return true;
  }

  private void colon() throws Outside {
    ws();
    expect(':');
  }

  /** After a member or element: true after a comma, false after {@code close}. */
  private boolean comma(char close) throws Outside {
    ws();
    if (i < s.length()) {
      char c = s.charAt(i++);
      if (c == ',') {
        return true;
      }
      if (c == close) {
        return false;
      }
    }
    throw Outside.INSTANCE;
  }

  private void expect(char c) throws Outside {
    ws();
    if (i >= s.length() || s.charAt(i) != c) {
      throw Outside.INSTANCE;
    }
    i++;
  }

  private boolean peekAndSkip(char c) {
    ws();
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void ws() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  /** The text is outside the subset; thrown without a stack trace, and the caller falls back to JsonFormat. */
  private static final class Outside extends Exception {
    static final Outside INSTANCE = new Outside();

    private Outside() {
      super(null, null, false, false);
    }
  }
}
