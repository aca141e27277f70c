package dev.larder.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The direct request reader ({@link RequestJson}) against JsonFormat's parser: whatever text it accepts, JsonFormat
 * accepts too and parses to an equal request (entity columns in the same order); and it does accept the forms
 * clients send (JsonFormat's own output in either naming, numbers or strings for integers, any whitespace,
 * escapes), so the fast path is the one taken. Mutated texts check that it never accepts something JsonFormat
 * would read differently or refuse.
 */
class RequestJsonTest {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  @RepeatedTest(1000)
  void acceptsWhatClientsSendAndReadsItAsJsonFormatDoes(RepetitionInfo info) throws Exception {
    SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 104_729L);
    GetOnlineFeaturesRequest request = request(r, true);
    List<String> texts = List.of(JsonFormat.printer().print(request),
        JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(request),
        render(request, r));
    for (String text : texts) {
      GetOnlineFeaturesRequest fast = RequestJson.parse(text);
      assertThat(fast).as(text).isNotNull();
      assertSameAsJsonFormat(text);
      assertThat(fast).isEqualTo(request);
    }
  }

  @RepeatedTest(1000)
  void otherValueTypesFallBackAndMutatedTextIsNeverReadDifferently(RepetitionInfo info) throws Exception {
    SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 7_907L);
    String text = r.nextBoolean() ? render(request(r, false), r) : JsonFormat.printer().print(request(r, false));
    assertSameAsJsonFormat(text);
    StringBuilder mutated = new StringBuilder(text);
    int edits = r.nextInt(1, 4);
    for (int e = 0; e < edits && mutated.length() > 0; e++) {
      int at = r.nextInt(mutated.length());
      switch (r.nextInt(4)) {
        case 0 -> mutated.deleteCharAt(at);
        case 1 -> mutated.insert(at, MUTATIONS.charAt(r.nextInt(MUTATIONS.length())));
        case 2 -> mutated.setCharAt(at, MUTATIONS.charAt(r.nextInt(MUTATIONS.length())));
        default -> {
          int end = Math.min(mutated.length(), at + r.nextInt(1, 30));
          mutated.insert(at, mutated.substring(at, end));
        }
      }
    }
    assertSameAsJsonFormat(mutated.toString());
  }

  @Test
  void edgeCases() throws Exception {
    String ok = "{\"features\":{\"refs\":[\"v:f\"]},\"entities\":{\"user_id\":{\"values\":[{\"int64_val\":\"1\"}]}}}";
    List<String> fallBack = List.of(
        "{\"feature_service\":\"a\",\"featureService\":\"b\"}",            // one field under both names
        "{\"features\":{\"refs\":[]},\"feature_service\":\"s\"}",           // both oneof members
        "{\"features\":{\"refs\":[\"a\"]},\"features\":{\"refs\":[\"b\"]}}", // a field twice
        "{\"entities\":{\"k\":{\"values\":[]},\"k\":{\"values\":[]}}}",     // a map key twice
        "{\"feature_service\":null}",
        ok + " x", ok + "}", "\ufeff" + ok, "", "[]", "{", "{\"entities\":{\"k\":{\"values\":[{}]}},}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64_val\":\"007\"}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64_val\":1e3}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64_val\":\"1e3\"}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64_val\":\"9223372036854775808\"}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int32_val\":2147483648}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64_val\":\"1\",\"string_val\":\"x\"}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"bool_val\":\"true\"}]}}}",
        "{\"feature_service\":\"a\\x\"}", "{\"feature_service\":\"tab\there\"}", "{'feature_service':'a'}",
        "{feature_service:\"a\"}", "{\"feature_service\":\"a\"} // comment", "{\"nope\":1}");
    for (String text : fallBack) {
      assertThat(RequestJson.parse(text)).as(text).isNull();
      assertSameAsJsonFormat(text);
    }
    List<String> direct = List.of(ok, "{}", " {\n\t\"features\" : { } } \r\n", "{\"features\":{\"refs\":[]}}",
        "{\"entities\":{}}", "{\"entities\":{\"k\":{}}}", "{\"entities\":{\"k\":{\"values\":[{}]}}}",
        "{\"entities\":{\"k\":{\"values\":[{\"int64Val\":-9223372036854775808},{\"int32Val\":\"-5\"},{\"int64_val\":\"0\"}]}}}",
        "{\"entities\":{\"k\\u00e9\\ud83d\\ude00\\/\":{\"values\":[{\"stringVal\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\"}]}}}",
        "{\"fullFeatureNames\":false,\"featureService\":\"svc\"}");
    for (String text : direct) {
      assertThat(RequestJson.parse(text)).as(text).isNotNull();
      assertSameAsJsonFormat(text);
    }
  }

  /** Whatever RequestJson accepts, JsonFormat accepts and reads the same way. */
  private static void assertSameAsJsonFormat(String text) {
    GetOnlineFeaturesRequest fast = RequestJson.parse(text);
    if (fast == null) {
      return;
    }
    GetOnlineFeaturesRequest.Builder slow = GetOnlineFeaturesRequest.newBuilder();
    try {
      PARSER.merge(text, slow);
    } catch (Exception e) {
      throw new AssertionError("RequestJson accepted what JsonFormat refuses (" + e.getMessage() + "): " + text);
    }
    assertThat(fast).as(text).isEqualTo(slow.build());
    assertThat(new ArrayList<>(fast.getEntitiesMap().keySet())).as(text)
        .isEqualTo(new ArrayList<>(slow.getEntitiesMap().keySet()));
  }

  private static final String MUTATIONS = "{}[]\":,\\ \t\n0123456789-.eE+abfnrtu_xlsV/'#";

  // ---- generators

  /** A request; with {@code directTypes}, only the value types RequestJson reads itself. */
  static GetOnlineFeaturesRequest request(SplittableRandom r, boolean directTypes) {
    GetOnlineFeaturesRequest.Builder b = GetOnlineFeaturesRequest.newBuilder();
    switch (r.nextInt(3)) {
      case 0 -> {
        FeatureList.Builder refs = FeatureList.newBuilder();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
          refs.addRefs(text(r));
        }
        b.setFeatures(refs);
      }
      case 1 -> b.setFeatureService(text(r));
      default -> { }
    }
    int keys = r.nextInt(4);
    for (int k = 0; k < keys; k++) {
      RepeatedValue.Builder column = RepeatedValue.newBuilder();
      int n = r.nextInt(5);
      for (int i = 0; i < n; i++) {
        column.addValues(value(r, directTypes));
      }
      b.putEntities(text(r), column.build());
    }
    b.setFullFeatureNames(r.nextBoolean());
    return b.build();
  }

  static Value value(SplittableRandom r, boolean directTypes) {
    Value.Builder v = Value.newBuilder();
    switch (r.nextInt(directTypes ? 5 : 9)) {
      case 0 -> v.setInt64Val(r.nextInt(3) == 0 ? r.nextLong() : r.nextLong(-1000, 1000));
      case 1 -> v.setInt32Val(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(-1000, 1000));
      case 2 -> v.setStringVal(text(r));
      case 3 -> v.setBoolVal(r.nextBoolean());
      case 4 -> { } // no member
      case 5 -> v.setDoubleVal(r.nextDouble());
      case 6 -> v.setBytesVal(ByteString.copyFromUtf8(text(r)));
      case 7 -> v.setNullValValue(0);
      default -> v.getInt64ListValBuilder().addVal(r.nextLong());
    }
    return v.build();
  }

  static String text(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(10);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(5)) {
        case 0 -> s.append((char) r.nextInt(0x20));
        case 1 -> s.append("\"\\/<>&=':@_".charAt(r.nextInt(11)));
        case 2 -> s.appendCodePoint(r.nextInt(0x80, 0xD800));
        case 3 -> s.appendCodePoint(r.nextInt(0x10000, 0x110000));
        default -> s.append((char) r.nextInt(0x20, 0x7F));
      }
    }
    return s.toString();
  }

  // ---- a hand renderer: either naming, integers as numbers or strings, members shuffled, random whitespace

  static String render(GetOnlineFeaturesRequest request, SplittableRandom r) {
    List<String> members = new ArrayList<>();
    if (request.hasFeatures()) {
      List<String> refs = new ArrayList<>();
      request.getFeatures().getRefsList().forEach(ref -> refs.add(quote(ref, r)));
      members.add(quote("features", r) + ws(r) + ":" + ws(r) + "{" + ws(r)
          + (refs.isEmpty() && r.nextBoolean() ? "" : quote("refs", r) + ":" + array(refs, r)) + "}");
    }
    if (request.hasFeatureService()) {
      members.add(quote(r.nextBoolean() ? "feature_service" : "featureService", r) + ":" + ws(r)
          + quote(request.getFeatureService(), r));
    }
    if (request.getEntitiesCount() > 0 || r.nextBoolean()) {
      StringBuilder e = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<String, RepeatedValue> column : request.getEntitiesMap().entrySet()) {
        List<String> values = new ArrayList<>();
        column.getValue().getValuesList().forEach(v -> values.add(value(v, r)));
        e.append(first ? "" : ",").append(ws(r)).append(quote(column.getKey(), r)).append(':')
            .append(values.isEmpty() && r.nextBoolean() ? "{}" : "{" + quote("values", r) + ":" + array(values, r) + "}");
        first = false;
      }
      members.add(quote("entities", r) + ":" + e.append(ws(r)).append('}'));
    }
    if (request.getFullFeatureNames() || r.nextBoolean()) {
      members.add(quote(r.nextBoolean() ? "full_feature_names" : "fullFeatureNames", r) + ":"
          + ws(r) + request.getFullFeatureNames());
    }
    Collections.shuffle(members, new java.util.Random(r.nextLong()));
    return ws(r) + "{" + ws(r) + String.join("," + ws(r), members) + ws(r) + "}" + ws(r);
  }

  private static String value(Value v, SplittableRandom r) {
    String body = switch (v.getValCase()) {
      case INT64_VAL -> quote(r.nextBoolean() ? "int64_val" : "int64Val", r) + ":"
          + (r.nextBoolean() ? "\"" + v.getInt64Val() + "\"" : Long.toString(v.getInt64Val()));
      case INT32_VAL -> quote(r.nextBoolean() ? "int32_val" : "int32Val", r) + ":"
          + (r.nextBoolean() ? "\"" + v.getInt32Val() + "\"" : Integer.toString(v.getInt32Val()));
      case STRING_VAL -> quote(r.nextBoolean() ? "string_val" : "stringVal", r) + ":" + quote(v.getStringVal(), r);
      case BOOL_VAL -> quote(r.nextBoolean() ? "bool_val" : "boolVal", r) + ":" + ws(r) + v.getBoolVal();
      case VAL_NOT_SET -> "";
      default -> {
        try {
          String json = JsonFormat.printer().omittingInsignificantWhitespace().print(v);
          yield json.substring(1, json.length() - 1);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    return "{" + ws(r) + body + ws(r) + "}";
  }

  private static String array(List<String> items, SplittableRandom r) {
    return ws(r) + "[" + ws(r) + String.join(ws(r) + "," + ws(r), items) + ws(r) + "]";
  }

  private static String ws(SplittableRandom r) {
    return r.nextInt(3) != 0 ? "" : " \t\n\r".substring(r.nextInt(4), 4);
  }

  /** A JSON string literal with every character that needs it escaped, and others escaped at random. */
  static String quote(String s, SplittableRandom r) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c == '/' && r.nextBoolean()) {
        b.append("\\/");
      } else if (c < 0x20 || r.nextInt(10) == 0) {
        String named = switch (c) {
          case '\n' -> "\\n";
          case '\t' -> "\\t";
          case '\r' -> "\\r";
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          default -> null;
        };
        b.append(named != null && r.nextBoolean() ? named
            : String.format(r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
