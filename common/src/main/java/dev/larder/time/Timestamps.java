package dev.larder.time;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Time as Larder stores it: microseconds since the Unix epoch, UTC, in a {@code long}. This is the unit of
 * the offline store's Parquet files and of online rows; conversions live here once.
 */
public final class Timestamps {
  private Timestamps() {}

  /**
   * The one timestamp parser, for command-line flags, CSV and text cells, entity rows and filters. Accepted forms:
   * <ul>
   *   <li>an ISO-8601 instant in UTC ({@code 2026-11-01T12:00:00Z}, fractions down to microseconds) or with an
   *       offset ({@code 2026-11-01T14:00:00+02:00});
   *   <li>a local date-time taken as UTC ({@code 2026-11-01T12:00}, or with a space instead of the {@code T});
   *   <li>a date, meaning its midnight UTC ({@code 2026-11-01});
   *   <li>an epoch number, whose unit follows from its magnitude: seconds below 1e11, milliseconds below 1e14,
   *       microseconds below 1e17, nanoseconds above (fractions allowed, e.g. {@code 1762000000.5}).
   * </ul>
   *
   * @return microseconds since the epoch
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static long parseMicros(String text) {
    String t = text.trim();
    char first = t.isEmpty() ? ' ' : t.charAt(0);
    if ((first == '-' || Character.isDigit(first)) && t.indexOf('-', 1) < 0 && t.indexOf(':') < 0) {
      return parseEpoch(text, t);
    }
    String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
    try {
      if (iso.endsWith("Z") || iso.endsWith("z")) {
        return toMicros(Instant.parse(iso.substring(0, iso.length() - 1) + "Z"));
      }
      if (iso.length() > 10) {
        char c = iso.charAt(iso.length() - 6);
        if (c == '+' || c == '-') {
          return toMicros(OffsetDateTime.parse(iso).toInstant());
        }
        return toMicros(LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC));
      }
      return toMicros(LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw notATimestamp(text);
    }
  }

  /** {@link #parseMicros} as an instant. */
  public static Instant parseInstant(String text) {
    return fromMicros(parseMicros(text));
  }

  private static long parseEpoch(String text, String t) {
    try {
      if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
        double d = Double.parseDouble(t);
        double abs = Math.abs(d);
        double micros = abs < 1e11 ? d * 1e6 : abs < 1e14 ? d * 1e3 : abs < 1e17 ? d : d / 1e3;
        if (!Double.isFinite(micros) || Math.abs(micros) > 9.2e18) {
          throw notATimestamp(text);
        }
        return Math.round(micros);
      }
      long v = Long.parseLong(t);
      long abs = Math.abs(v);
      return abs < 100_000_000_000L ? v * 1_000_000L
          : abs < 100_000_000_000_000L ? v * 1000L
          : abs < 100_000_000_000_000_000L ? v : Math.floorDiv(v, 1000L);
    } catch (NumberFormatException e) {
      throw notATimestamp(text);
    }
  }

  private static IllegalArgumentException notATimestamp(String text) {
    return new IllegalArgumentException("'" + text + "' is not a timestamp; expected an ISO-8601 time such as "
        + "2026-11-01T12:00:00Z, a date such as 2026-11-01, or epoch seconds/millis/micros");
  }

  public static long toMicros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  public static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  public static Timestamp toProto(long micros) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(micros, 1_000_000L))
        .setNanos((int) (Math.floorMod(micros, 1_000_000L) * 1000L))
        .build();
  }

  public static long fromProto(Timestamp t) {
    return Math.addExact(Math.multiplyExact(t.getSeconds(), 1_000_000L), t.getNanos() / 1000);
  }

  public static String format(long micros) {
    return fromMicros(micros).toString();
  }
}
