package dev.larder.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.larder.core.v1.BoolList;
import dev.larder.core.v1.BytesList;
import dev.larder.core.v1.DoubleList;
import dev.larder.core.v1.FloatList;
import dev.larder.core.v1.Int32List;
import dev.larder.core.v1.Int64List;
import dev.larder.core.v1.StringList;
import dev.larder.core.v1.TimestampList;
import dev.larder.core.v1.Value;
import dev.larder.serving.http.JsonSink.NotCanonical;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The direct JSON writer of lookup responses ({@link ResponseJson}) against what the HTTP route printed before
 * it, JsonFormat with proto field names and no whitespace: identical bytes for generated responses covering
 * every {@code Value} member (the generator walks the descriptor, so a member added to value.proto fails here
 * until the writer knows it), NaN and the infinities, negative zero, extreme integers, unknown enum numbers,
 * timestamps across the whole range JsonFormat accepts, escapes, unicode beyond the BMP; and, for encodings
 * the writer does not reproduce itself, the same answer (or the same failure) through the fallback.
 */
class JsonFormatIdentityTest {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .omittingInsignificantWhitespace();

  @RepeatedTest(2000)
  void generatedResponsesPrintAsJsonFormatPrintsThem(RepetitionInfo info) throws Exception {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition() * 7919L);
    GetOnlineFeaturesResponse response = response(random);
    assertIdentical(response, response.toByteArray());
  }

  @Test
  void emptyAndMinimalResponses() throws Exception {
    assertIdentical(GetOnlineFeaturesResponse.getDefaultInstance(), new byte[0]);
    GetOnlineFeaturesResponse emptyVector = GetOnlineFeaturesResponse.newBuilder()
        .addResults(FeatureVector.getDefaultInstance()).addResults(FeatureVector.newBuilder()
            .addValues(Value.getDefaultInstance()).addValues(Value.newBuilder().setNullValValue(0))
            .addValues(Value.newBuilder().setInt64ListVal(Int64List.getDefaultInstance()))
            .addEventTimestamps(Timestamp.getDefaultInstance()))
        .build();
    assertIdentical(emptyVector, emptyVector.toByteArray());
    assertThat(new String(ResponseJson.print(emptyVector.toByteArray()), StandardCharsets.UTF_8)).isEqualTo(
        "{\"results\":[{},{\"values\":[{},{\"null_val\":\"NULL\"},{\"int64_list_val\":{}}],"
            + "\"event_timestamps\":[\"1970-01-01T00:00:00Z\"]}]}");
  }

  @Test
  void everyAsciiCharacterAndTheLineSeparatorsAreEscapedAsJsonFormatEscapesThem() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 128; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\u00e9\u20ac\ud83d\ude00\uffff\u0800\u07ff");
    GetOnlineFeaturesResponse r = GetOnlineFeaturesResponse.newBuilder().addFeatureNames(all.toString())
        .addResults(FeatureVector.newBuilder().addValues(Value.newBuilder().setStringVal(all.toString()))).build();
    assertIdentical(r, r.toByteArray());
  }

  @Test
  void timestampsAtTheEdgesOfTheRangeAndEveryFractionWidth() throws Exception {
    long[] seconds = {JsonSink.MIN_SECONDS, JsonSink.MAX_SECONDS, -1, 0, 1, 951_782_400L /* 2000-02-29 */,
        -2_208_988_800L /* 1900-01-01 */, 4_107_542_399L /* 2100-02-28T23:59:59 */, -62_104_060_801L};
    int[] nanos = {0, 1, 999_999_999, 1_000, 1_000_000, 123_000_000, 123_456_000, 123_456_789, 100};
    FeatureVector.Builder v = FeatureVector.newBuilder();
    for (long s : seconds) {
      for (int n : nanos) {
        v.addEventTimestamps(Timestamp.newBuilder().setSeconds(s).setNanos(n));
      }
    }
    GetOnlineFeaturesResponse r = GetOnlineFeaturesResponse.newBuilder().addResults(v).build();
    assertIdentical(r, r.toByteArray());
  }

  /** The features of one row share its timestamp, which the writer copies from where it last wrote it. */
  @Test
  void repeatedTimestampsPrintAlike() throws Exception {
    Timestamp a = Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(123_456_000).build();
    Timestamp b = Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(123_000_000).build();
    Timestamp c = Timestamp.newBuilder().setSeconds(1_764_000_001L).setNanos(123_456_000).build();
    GetOnlineFeaturesResponse.Builder r = GetOnlineFeaturesResponse.newBuilder();
    for (Timestamp t : new Timestamp[] {a, a, b, a, c, c, a, Timestamp.getDefaultInstance(), a}) {
      r.addResults(FeatureVector.newBuilder().addEventTimestamps(t).addEventTimestamps(t)
          .addValues(Value.newBuilder().setTimestampVal(t)).addValues(Value.newBuilder().setTimestampListVal(
              TimestampList.newBuilder().addVal(t).addVal(a).addVal(t))));
    }
    assertIdentical(r.build(), r.build().toByteArray());
  }

  /** The writer's buffer is reused per thread: a timestamp remembered from the previous response is not. */
  @Test
  void aTimestampOfThePreviousResponseIsNotCopiedFromIt() throws Exception {
    Timestamp t = Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(5_000_000).build();
    GetOnlineFeaturesResponse first = GetOnlineFeaturesResponse.newBuilder()
        .addResults(FeatureVector.newBuilder().addEventTimestamps(t)).build();
    GetOnlineFeaturesResponse second = GetOnlineFeaturesResponse.newBuilder().addFeatureNames("x".repeat(100))
        .addResults(FeatureVector.newBuilder().addEventTimestamps(t)).build();
    assertIdentical(first, first.toByteArray());
    assertIdentical(second, second.toByteArray());
  }

  @Test
  void timestampsJsonFormatRefusesFailAsBefore() {
    for (Timestamp t : new Timestamp[] {Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build(),
        Timestamp.newBuilder().setSeconds(JsonSink.MAX_SECONDS + 1).build(),
        Timestamp.newBuilder().setSeconds(JsonSink.MIN_SECONDS - 1).build(), Timestamp.newBuilder().setNanos(-1).build(),
        Timestamp.newBuilder().setNanos(1_000_000_000).build()}) {
      GetOnlineFeaturesResponse r = GetOnlineFeaturesResponse.newBuilder()
          .addResults(FeatureVector.newBuilder().addEventTimestamps(t)).build();
      assertThatThrownBy(() -> ResponseJson.print(r.toByteArray())).isInstanceOf(NotCanonical.class);
      Throwable before = catchThrowable(() -> PRINTER.print(r));
      assertThat(before).isNotNull();
      assertThatThrownBy(() -> JsonApi.responseJson(r.toByteArray())).isInstanceOf(before.getClass())
          .hasMessage(before.getMessage());
    }
  }

  /** Encodings protobuf never writes but parses: the fallback gives JsonFormat's answer for the parsed message. */
  @Test
  void unusualEncodingsFallBackToTheSameAnswer() throws Exception {
    byte[] valueA = Value.newBuilder().setInt64Val(5).build().toByteArray();
    byte[] valueB = Value.newBuilder().setStringVal("b").build().toByteArray();
    byte[] vector = FeatureVector.newBuilder().addValues(Value.newBuilder().setDoubleVal(1.5)).build().toByteArray();
    byte[][] cases = {
        // results before feature_names, and feature_names again after results
        concat(field(2, vector), field(1, "a".getBytes(StandardCharsets.UTF_8)), field(2, vector)),
        // two members of the Value oneof: the last one wins
        concat(field(2, field(1, concat(valueA, valueB)))),
        // an unknown field
        concat(field(1, "a".getBytes(StandardCharsets.UTF_8)), field(9, new byte[] {1, 2})),
        // a timestamp given twice
        concat(field(2, field(3, concat(new byte[] {8, 1}, new byte[] {8, 2})))),
    };
    for (byte[] wire : cases) {
      assertThatThrownBy(() -> ResponseJson.print(wire)).isInstanceOf(NotCanonical.class);
      assertThat(new String(JsonApi.responseJson(wire), StandardCharsets.UTF_8))
          .isEqualTo(PRINTER.print(GetOnlineFeaturesResponse.parseFrom(wire)));
    }
    // Unpacked statuses and served_versions (what proto2 writers send) are read directly, and print alike.
    byte[] unpacked = concat(field(2, concat(new byte[] {2 << 3, 1}, new byte[] {2 << 3, 3}, new byte[] {2 << 3, 9})),
        new byte[] {3 << 3, 7}, new byte[] {3 << 3, 1});
    assertIdentical(GetOnlineFeaturesResponse.parseFrom(unpacked), unpacked);
  }

  @RepeatedTest(300)
  void arbitraryStringBytesAreCheckedAsProtobufChecksThem(RepetitionInfo info) throws Exception {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    byte[] text = new byte[random.nextInt(1, 12)];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) (random.nextBoolean() ? 0x80 | random.nextInt(0x80) : random.nextInt(0x100));
    }
    byte[] wire = field(2, field(1, field(6, text)));
    GetOnlineFeaturesResponse parsed;
    try {
      parsed = GetOnlineFeaturesResponse.parseFrom(wire);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> ResponseJson.print(wire)).isInstanceOf(NotCanonical.class);
      assertThatThrownBy(() -> JsonApi.responseJson(wire)).isInstanceOf(IllegalStateException.class);
      return;
    }
    assertIdentical(parsed, wire);
  }

  @RepeatedTest(200)
  void truncatedResponsesAreRefusedAsProtobufRefusesThem(RepetitionInfo info) throws Exception {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition() * 31L);
    byte[] full = response(random).toByteArray();
    if (full.length < 2) {
      return;
    }
    byte[] cut = java.util.Arrays.copyOf(full, random.nextInt(1, full.length));
    GetOnlineFeaturesResponse parsed;
    try {
      parsed = GetOnlineFeaturesResponse.parseFrom(cut);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> JsonApi.responseJson(cut)).isInstanceOf(IllegalStateException.class);
      return;
    }
    // A cut on a field boundary is a shorter valid response.
    assertThat(new String(JsonApi.responseJson(cut), StandardCharsets.UTF_8)).isEqualTo(PRINTER.print(parsed));
  }

  private static void assertIdentical(GetOnlineFeaturesResponse response, byte[] wire) throws Exception {
    String expected = PRINTER.print(response);
    byte[] direct = ResponseJson.print(wire);
    assertThat(new String(direct, StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(direct).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(JsonApi.responseJson(wire)).isEqualTo(direct);
  }

  // ---- generators

  private static final String SPECIAL = "\"\\<>&='/\u007f\u2028\u2029";

  static GetOnlineFeaturesResponse response(SplittableRandom r) {
    GetOnlineFeaturesResponse.Builder b = GetOnlineFeaturesResponse.newBuilder();
    int features = r.nextInt(4);
    for (int i = 0; i < features; i++) {
      b.addFeatureNames(string(r));
    }
    int vectors = r.nextInt(4);
    for (int i = 0; i < vectors; i++) {
      FeatureVector.Builder v = b.addResultsBuilder();
      int n = r.nextInt(4);
      for (int j = 0; j < n; j++) {
        v.addValues(value(r));
      }
      int statuses = r.nextInt(4);
      for (int j = 0; j < statuses; j++) {
        // the five named statuses, and numbers the enum does not name (printed as numbers)
        v.addStatusesValue(r.nextInt(8) == 0 ? (r.nextBoolean() ? -1 - r.nextInt(5) : 5 + r.nextInt(300)) : r.nextInt(5));
      }
      int timestamps = r.nextInt(4);
      for (int j = 0; j < timestamps; j++) {
        v.addEventTimestamps(timestamp(r));
      }
    }
    int versions = r.nextInt(4);
    for (int i = 0; i < versions; i++) {
      b.addServedVersions(int64(r));
    }
    return b.build();
  }

  static Value value(SplittableRandom r) {
    var members = Value.getDescriptor().getOneofs().get(0).getFields();
    if (r.nextInt(members.size() + 1) == 0) {
      return Value.getDefaultInstance();
    }
    FieldDescriptor f = members.get(r.nextInt(members.size()));
    Value.Builder v = Value.newBuilder();
    int n = r.nextInt(4);
    switch (f.getName()) {
      case "int32_val" -> v.setInt32Val(int32(r));
      case "int64_val" -> v.setInt64Val(int64(r));
      case "float_val" -> v.setFloatVal(float32(r));
      case "double_val" -> v.setDoubleVal(float64(r));
      case "bool_val" -> v.setBoolVal(r.nextBoolean());
      case "string_val" -> v.setStringVal(string(r));
      case "bytes_val" -> v.setBytesVal(bytes(r));
      case "timestamp_val" -> v.setTimestampVal(timestamp(r));
      case "null_val" -> v.setNullValValue(r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0);
      case "int32_list_val" -> {
        Int32List.Builder l = v.getInt32ListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(int32(r));
        }
      }
      case "int64_list_val" -> {
        Int64List.Builder l = v.getInt64ListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(int64(r));
        }
      }
      case "float_list_val" -> {
        FloatList.Builder l = v.getFloatListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(float32(r));
        }
      }
      case "double_list_val" -> {
        DoubleList.Builder l = v.getDoubleListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(float64(r));
        }
      }
      case "bool_list_val" -> {
        BoolList.Builder l = v.getBoolListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(r.nextBoolean());
        }
      }
      case "string_list_val" -> {
        StringList.Builder l = v.getStringListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(string(r));
        }
      }
      case "bytes_list_val" -> {
        BytesList.Builder l = v.getBytesListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(bytes(r));
        }
      }
      case "timestamp_list_val" -> {
        TimestampList.Builder l = v.getTimestampListValBuilder();
        for (int i = 0; i < n; i++) {
          l.addVal(timestamp(r));
        }
      }
      default -> fail("Value member " + f.getName() + " is not covered by this test (nor, probably, by ResponseJson)");
    }
    return v.build();
  }

  static int int32(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> new int[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE}[r.nextInt(5)];
      case 1 -> r.nextInt(-1000, 1000);
      default -> r.nextInt();
    };
  }

  static long int64(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> new long[] {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, -(1L << 53) - 1}[r.nextInt(7)];
      case 1 -> r.nextLong(-1000, 1000);
      default -> r.nextLong();
    };
  }

  static double float64(SplittableRandom r) {
    return switch (r.nextInt(5)) {
      case 0 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
          Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 1e-7, 1e7, 1e21, 0.1, 100.0, -2.5}[r.nextInt(14)];
      case 1 -> Double.longBitsToDouble(r.nextLong());
      case 2 -> r.nextInt(-100_000, 100_000) / 100.0;
      default -> r.nextDouble() * Math.pow(10, r.nextInt(-12, 25));
    };
  }

  static float float32(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0.0f, Float.MIN_VALUE,
          Float.MAX_VALUE, 1e-7f, 1e7f, 0.1f}[r.nextInt(10)];
      case 1 -> Float.intBitsToFloat(r.nextInt());
      default -> (float) float64(r);
    };
  }

  static Timestamp timestamp(SplittableRandom r) {
    long seconds = switch (r.nextInt(4)) {
      case 0 -> new long[] {JsonSink.MIN_SECONDS, JsonSink.MAX_SECONDS, 0, -1}[r.nextInt(4)];
      case 1 -> r.nextLong(1_700_000_000L, 1_900_000_000L);
      default -> r.nextLong(JsonSink.MIN_SECONDS, JsonSink.MAX_SECONDS + 1);
    };
    int nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000;
      case 2 -> r.nextInt(1_000_000) * 1000;
      default -> r.nextInt(1_000_000_000);
    };
    return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  static ByteString bytes(SplittableRandom r) {
    byte[] b = new byte[r.nextInt(9)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return ByteString.copyFrom(b);
  }

  /** Text mixing plain ASCII, every escaped character, the line separators, and BMP and astral code points. */
  static String string(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0 -> s.append((char) r.nextInt(0x20));
        case 1 -> s.append(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
        case 2 -> s.appendCodePoint(r.nextInt(0x80, 0xD800));
        case 3 -> s.appendCodePoint(r.nextInt(0x10000, 0x110000));
        case 4 -> s.appendCodePoint(r.nextInt(0xE000, 0x10000));
        default -> s.append((char) r.nextInt(0x20, 0x7F));
      }
    }
    return s.toString();
  }

  // ---- hand-made wire data

  private static byte[] field(int number, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, payload);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static Throwable catchThrowable(ThrowingRunnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
