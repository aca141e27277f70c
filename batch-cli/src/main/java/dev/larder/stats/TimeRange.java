package dev.larder.stats;

import dev.larder.time.Timestamps;

/**
 * A closed range of times, written {@code START..END} on the command line. A period belongs to a range when
 * the period's start is inside it, so {@code 2026-01-01..2026-01-07} holds the snapshots as of Jan 1 00:00
 * to Jan 7 00:00 and the passthrough days Jan 1 to Jan 7.
 */
public record TimeRange(long start, long end) {
  public TimeRange {
    if (end < start) {
      throw new IllegalArgumentException("range ends (" + Timestamps.format(end) + ") before it starts ("
          + Timestamps.format(start) + ")");
    }
  }

  /** Parses {@code START..END} (ISO instants or dates). */
  public static TimeRange parse(String text) {
    int dots = text.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException("'" + text + "' is not a range; expected START..END, e.g. "
          + "2026-01-01..2026-01-21");
    }
    return new TimeRange(micros(text.substring(0, dots)), micros(text.substring(dots + 2)));
  }

  private static long micros(String t) {
    return Timestamps.toMicros(Timestamps.parseInstant(t));
  }

  public boolean contains(long t) {
    return t >= start && t <= end;
  }

  @Override
  public String toString() {
    return Timestamps.format(start) + ".." + Timestamps.format(end);
  }
}
