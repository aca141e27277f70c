package dev.larder.training;

import dev.larder.join.JoinSummary;
import java.nio.file.Path;
import java.util.Locale;

/** What a training set run wrote: rows, matches and nulls per view, and how long it took. */
public record TrainingSetSummary(Path out, JoinSummary join, double seconds) {
  public long rows() {
    return join.rows();
  }

  public double rowsPerSecond() {
    return join.rows() / Math.max(seconds, 1e-9);
  }

  /** The closing lines printed on stderr. */
  public String format() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "wrote %s: %,d rows in %.1f s (%,.0f rows/s)%n", out, rows(), seconds, rowsPerSecond()));
    for (JoinSummary.ViewCount v : join.views()) {
      b.append(String.format(Locale.ROOT, "  %s: %,d matched, %,d null%n", v.view(), v.matched(), v.nulls()));
    }
    return b.toString();
  }
}
