package dev.larder.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser for the durations users write: windows ({@code 15m}, {@code 1h}, {@code 7d}, {@code lifetime})
 * and TTLs ({@code 2d}, empty or {@code 0} for none). Shared by definitions, compute, training sets and
 * serving so that "30d" means the same everywhere.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

  private Durations() {}

  /**
   * Parses {@code 90s}, {@code 15m}, {@code 1h}, {@code 30d}, {@code 2w}, {@code 500ms}, or an ISO-8601
   * duration such as {@code PT1H}. Returns {@code null} for {@code lifetime}, empty text or {@code 0}, which
   * all mean "unbounded".
   *
   * @throws IllegalArgumentException naming what was expected when the text is not a duration or is negative
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.equals("0") || t.equalsIgnoreCase("lifetime")) {
      return null;
    }
    Matcher m = SIMPLE.matcher(t.toLowerCase());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(7 * n);
        default -> throw new IllegalStateException(m.group(2));
      };
      return d.isZero() ? null : d;
    }
    try {
      Duration d = Duration.parse(t.toUpperCase());
      if (d.isNegative()) {
        throw new IllegalArgumentException("'" + text + "' is negative; expected a positive duration");
      }
      return d.isZero() ? null : d;
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; expected e.g. 15m, 1h, 7d, 30d or lifetime");
    }
  }

  /** Formats a duration the way users write it ({@code 30d}, {@code 1h}, {@code 15m}, {@code lifetime}). */
  public static String format(Duration d) {
    if (d == null) {
      return "lifetime";
    }
    long s = d.getSeconds();
    if (d.getNano() == 0) {
      if (s % 86400 == 0) return s / 86400 + "d";
      if (s % 3600 == 0) return s / 3600 + "h";
      if (s % 60 == 0) return s / 60 + "m";
      return s + "s";
    }
    return d.toMillis() + "ms";
  }

  /** Duration in microseconds, or {@link Long#MAX_VALUE} for unbounded. */
  public static long toMicros(Duration d) {
    return d == null ? Long.MAX_VALUE : Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1000;
  }
}
