package dev.larder.compute;

import dev.larder.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The as-of times of a run: {@code start, start + step, ...} up to and including {@code end}. */
final class AsOfTimes {
  /** A guard against typos such as {@code --step 1m} over a year. */
  static final int MAX = 10_000;

  private AsOfTimes() {}

  static long[] range(long start, long end, String step) {
    if (end < start) {
      throw new IllegalArgumentException("--end is before --start");
    }
    Duration d = Durations.parse(step);
    if (d == null) {
      throw new IllegalArgumentException("--step must be a positive duration such as 1h or 1d, not '" + step + "'");
    }
    long micros = Durations.toMicros(d);
    List<Long> out = new ArrayList<>();
    for (long t = start; t <= end; t += micros) {
      if (out.size() == MAX) {
        throw new IllegalArgumentException("more than " + MAX + " as-of times from --start to --end by --step "
            + step + "; use a larger --step");
      }
      out.add(t);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }
}
