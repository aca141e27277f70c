package dev.larder.training;

import dev.larder.join.JoinSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a training set run wrote: rows, matches and nulls per view, how long it took, and a message per view
 * that matched no entity row at all ({@code gaps}), saying why and what to run.
 */
public record TrainingSetSummary(Path out, JoinSummary join, double seconds, List<String> gaps) {
  public TrainingSetSummary {
    gaps = List.copyOf(gaps);
  }

  public TrainingSetSummary(Path out, JoinSummary join, double seconds) {
    this(out, join, seconds, List.of());
  }

  public long rows() {
    return join.rows();
  }

  public double rowsPerSecond() {
    return join.rows() / Math.max(seconds, 1e-9);
  }

  /** The closing lines printed on stdout. */
  public String format() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "wrote %s: %,d rows in %.1f s (%,.0f rows/s)%n", out, rows(), seconds, rowsPerSecond()));
    for (JoinSummary.ViewCount v : join.views()) {
      b.append(String.format(Locale.ROOT, "  %s: %,d matched, %,d null%n", v.view(), v.matched(), v.nulls()));
    }
    return b.toString();
  }
}
