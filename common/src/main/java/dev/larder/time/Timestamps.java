package dev.larder.time;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Time as Larder stores it: microseconds since the Unix epoch, UTC, in a {@code long}. This is the unit of
 * the offline store's Parquet files and of online rows; conversions live here once.
 */
public final class Timestamps {
  private Timestamps() {}

  /**
   * Parses what users type on the command line: an ISO-8601 instant ({@code 2026-11-01T12:00:00Z}), a local
   * date-time taken as UTC ({@code 2026-11-01T12:00}), or a date meaning its midnight UTC ({@code 2026-11-01}).
   */
  public static Instant parseInstant(String text) {
    String t = text.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException ignored) {
      // fall through
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // fall through
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time; expected an ISO-8601 instant such as "
          + "2026-11-01T00:00:00Z or a date such as 2026-11-01");
    }
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
