package dev.larder.serving.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text built as UTF-8 bytes, each kind of value written exactly as protobuf-java-util's {@code JsonFormat}
 * prints it: int64 in quotes, floats through {@link Float#toString}/{@link Double#toString} with NaN and the
 * infinities quoted, bytes in padded base64, timestamps in RFC 3339 with 0, 3, 6 or 9 fraction digits, and
 * strings with JsonFormat's (Gson's HTML-safe) escapes. {@link ResponseJson} uses it; {@code JsonFormatIdentityTest}
 * checks every case against JsonFormat itself.
 */
final class JsonSink {
  /** Escapes of the ASCII characters JsonFormat replaces; null where the character stands for itself. */
  private static final byte[][] ESCAPES = new byte[128][];
  private static final byte[] BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  /** Timestamps JsonFormat accepts: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
  static final long MIN_SECONDS = -62_135_596_800L;
  static final long MAX_SECONDS = 253_402_300_799L;

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII);
    }
    for (char c : "<>&='".toCharArray()) {
      ESCAPES[c] = String.format("\\u%04x", (int) c).getBytes(StandardCharsets.US_ASCII);
    }
    String[][] named = {{"\"", "\\\""}, {"\\", "\\\\"}, {"\t", "\\t"}, {"\b", "\\b"}, {"\n", "\\n"}, {"\r", "\\r"},
        {"\f", "\\f"}};
    for (String[] n : named) {
      ESCAPES[n[0].charAt(0)] = n[1].getBytes(StandardCharsets.US_ASCII);
    }
  }

  private byte[] buf;
  private int len;
  /** The last timestamp written and where its text is in {@link #buf}: the features of one row share one. */
  private boolean haveLast;
  private long lastSeconds;
  private int lastNanos;
  private int lastStart;
  private int lastLength;

  JsonSink(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Empties the sink for the next document, keeping its buffer. */
  void reset() {
    len = 0;
    haveLast = false;
  }

  int capacity() {
    return buf.length;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  void put(char ascii) {
    ensure(1);
    buf[len++] = (byte) ascii;
  }

  void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  /** Text known to be ASCII (numbers as the JDK prints them). */
  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  void int32(int v) {
    decimal(v);
  }

  void int64(long v) {
    put('"');
    decimal(v);
    put('"');
  }

  void bool(boolean v) {
    ascii(v ? "true" : "false");
  }

  void float32(float v) {
    if (Float.isNaN(v)) {
      ascii("\"NaN\"");
    } else if (Float.isInfinite(v)) {
      ascii(v < 0 ? "\"-Infinity\"" : "\"Infinity\"");
    } else {
      ascii(Float.toString(v));
    }
  }

  void float64(double v) {
    if (Double.isNaN(v)) {
      ascii("\"NaN\"");
    } else if (Double.isInfinite(v)) {
      ascii(v < 0 ? "\"-Infinity\"" : "\"Infinity\"");
    } else {
      ascii(Double.toString(v));
    }
  }

  /** A decimal integer without allocating: digits are written backwards from the end of their slot. */
  private void decimal(long v) {
    if (v == Long.MIN_VALUE) {
      ascii("-9223372036854775808");
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int i = len + digits;
    len = i;
    do {
      buf[--i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
  }

  /**
   * A string given as UTF-8, quoted and escaped as JsonFormat escapes it. The bytes are copied as they are
   * except for the escapes, after checking that they are well-formed UTF-8 as protobuf requires of a string
   * field (no overlong forms, no surrogates, nothing above U+10FFFF).
   *
   * @throws NotCanonical when they are not, so that the caller's slow path reports the error as before
   */
  void utf8String(byte[] src, int off, int length) throws NotCanonical {
    ensure(length + 2);
    buf[len++] = '"';
    int end = off + length;
    int i = off;
    while (i < end) {
      int b = src[i];
      if (b >= 0) {
        byte[] escape = ESCAPES[b];
        if (escape == null) {
          ensure(1);
          buf[len++] = (byte) b;
        } else {
          put(escape);
        }
        i++;
        continue;
      }
      int n = sequenceLength(src, i, end);
      if (n == 3 && (src[i] & 0xFF) == 0xE2 && (src[i + 1] & 0xFF) == 0x80
          && ((src[i + 2] & 0xFF) == 0xA8 || (src[i + 2] & 0xFF) == 0xA9)) {
        ascii((src[i + 2] & 0xFF) == 0xA8 ? "\\u2028" : "\\u2029");
      } else {
        ensure(n);
        System.arraycopy(src, i, buf, len, n);
        len += n;
      }
      i += n;
    }
    put('"');
  }

  /** The length of the well-formed multi-byte UTF-8 sequence at {@code i} (RFC 3629, table 3-7 of Unicode). */
  private static int sequenceLength(byte[] s, int i, int end) throws NotCanonical {
    int b0 = s[i] & 0xFF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      if (i + 1 < end && continuation(s[i + 1])) {
        return 2;
      }
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      if (i + 2 < end) {
        int b1 = s[i + 1] & 0xFF;
        boolean second = b0 == 0xE0 ? b1 >= 0xA0 && b1 <= 0xBF
            : b0 == 0xED ? b1 >= 0x80 && b1 <= 0x9F : continuation(s[i + 1]);
        if (second && continuation(s[i + 2])) {
          return 3;
        }
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      if (i + 3 < end) {
        int b1 = s[i + 1] & 0xFF;
        boolean second = b0 == 0xF0 ? b1 >= 0x90 && b1 <= 0xBF
            : b0 == 0xF4 ? b1 >= 0x80 && b1 <= 0x8F : continuation(s[i + 1]);
        if (second && continuation(s[i + 2]) && continuation(s[i + 3])) {
          return 4;
        }
      }
    }
    throw new NotCanonical("a string is not well-formed UTF-8");
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /** Bytes in standard base64 with padding, quoted (JsonFormat's {@code Base64.getEncoder()}). */
  void base64(byte[] src, int off, int length) {
    ensure((length + 2) / 3 * 4 + 2);
    buf[len++] = '"';
    int end = off + length;
    int i = off;
    for (; i + 2 < end; i += 3) {
      int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF);
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 0x3F];
      buf[len++] = BASE64[(v >>> 6) & 0x3F];
      buf[len++] = BASE64[v & 0x3F];
    }
    if (end - i == 1) {
      int v = (src[i] & 0xFF) << 16;
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 0x3F];
      buf[len++] = '=';
      buf[len++] = '=';
    } else if (end - i == 2) {
      int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8;
      buf[len++] = BASE64[v >>> 18];
      buf[len++] = BASE64[(v >>> 12) & 0x3F];
      buf[len++] = BASE64[(v >>> 6) & 0x3F];
      buf[len++] = '=';
    }
    buf[len++] = '"';
  }

  /**
   * A timestamp as {@code com.google.protobuf.util.Timestamps.toString} writes it: proleptic Gregorian UTC,
   * {@code "yyyy-MM-ddTHH:mm:ss[.fff|.ffffff|.fffffffff]Z"}, quoted.
   *
   * @throws NotCanonical outside the range Timestamps accepts (JsonFormat then fails, and so does the caller)
   */
  void timestamp(long seconds, int nanos) throws NotCanonical {
    if (haveLast && seconds == lastSeconds && nanos == lastNanos) {
      ensure(lastLength);
      System.arraycopy(buf, lastStart, buf, len, lastLength);
      len += lastLength;
      return;
    }
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
      throw new NotCanonical("timestamp out of range: " + seconds + "s " + nanos + "ns");
    }
    int start = len;
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted), in 400-year eras.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    int dayOfEra = (int) (z - era * 146_097);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
    ensure(32);
    buf[len++] = '"';
    digits(year, 4);
    buf[len++] = '-';
    digits(month, 2);
    buf[len++] = '-';
    digits(day, 2);
    buf[len++] = 'T';
    digits(secondOfDay / 3600, 2);
    buf[len++] = ':';
    digits(secondOfDay / 60 % 60, 2);
    buf[len++] = ':';
    digits(secondOfDay % 60, 2);
    if (nanos != 0) {
      buf[len++] = '.';
      if (nanos % 1_000_000 == 0) {
        digits(nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        digits(nanos / 1000, 6);
      } else {
        digits(nanos, 9);
      }
    }
    buf[len++] = 'Z';
    buf[len++] = '"';
    haveLast = true;
    lastSeconds = seconds;
    lastNanos = nanos;
    lastStart = start;
    lastLength = len - start;
  }

  /** {@code v} zero-padded to {@code width} digits; the caller has ensured the room. */
  private void digits(int v, int width) {
    for (int i = len + width - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += width;
  }

  /**
   * Input outside what the direct writer reproduces exactly (malformed or non-canonical wire data, invalid
   * UTF-8, an out-of-range timestamp): the caller falls back to protobuf's own parser and JsonFormat, which
   * then answer or fail exactly as before. Never thrown for what the server itself writes.
   */
  static final class NotCanonical extends Exception {
    NotCanonical(String message) {
      super(message, null, false, false);
    }
  }
}
