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
  /**
   * Longest duration accepted: 1,000 years. Longer windows and TTLs are written {@code lifetime}; the bound
   * keeps every later computation on times (as-of minus window, in microseconds) from overflowing.
   */
  public static final Duration MAX = Duration.ofDays(365_000);

  private Durations() {}

  /**
   * Parses {@code 90s}, {@code 15m}, {@code 1h}, {@code 30d}, {@code 2w}, {@code 500ms}, or an ISO-8601
   * duration such as {@code PT1H}. Returns {@code null} for {@code lifetime}, empty text or a bare {@code 0},
   * which all mean "unbounded".
   *
   * @throws IllegalArgumentException naming what was expected when the text is not a duration, is negative,
   *     is zero with a unit ({@code 0d}, {@code PT0S}: a zero-length window would silently mean "lifetime"),
   *     or is longer than {@link #MAX}
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.equals("0") || t.equalsIgnoreCase("lifetime")) {
      return null;
    }
    Matcher m = SIMPLE.matcher(t.toLowerCase(java.util.Locale.ROOT));
    Duration d;
    if (m.matches()) {
      d = simple(text, m.group(1), m.group(2));
    } else {
      try {
        d = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration; expected e.g. 15m, 1h, 7d, 30d or lifetime");
      }
      if (d.isNegative()) {
        throw new IllegalArgumentException("'" + text + "' is negative; expected a positive duration");
      }
    }
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is zero; expected a positive duration, or lifetime for no"
          + " bound");
    }
    if (d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than the longest duration Larder accepts ("
          + MAX.toDays() + "d); write lifetime for no bound");
    }
    return d;
  }

  private static Duration simple(String text, String digits, String unit) {
    long n;
    try {
      n = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(Math.multiplyExact(7, n));
        default -> throw new IllegalStateException(unit);
      };
    } catch (ArithmeticException e) {
      return MAX.plusDays(1); // far too long; reported as such by the caller
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
