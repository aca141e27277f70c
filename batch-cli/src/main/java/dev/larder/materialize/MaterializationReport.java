package dev.larder.materialize;

import dev.larder.time.Timestamps;
import java.util.List;
import java.util.Locale;

/** The lines {@code larder materialize} prints: one per view as it finishes, then a total. */
public final class MaterializationReport {
  private MaterializationReport() {}

  public static String line(Materializer.ViewResult r) {
    String interval = "[" + Timestamps.format(r.startMicros()) + ", " + Timestamps.format(r.endMicros()) + "]";
    OnlineWriter.Summary s = r.summary();
    if (r.empty()) {
      return String.format(Locale.ROOT, "warning: %s v%d %s: %s", r.view(), r.viewVersion(),
          "[" + (r.startMicros() == Long.MIN_VALUE ? "all history" : Timestamps.format(r.startMicros())) + ", "
              + Timestamps.format(r.endMicros()) + "]", r.note());
    }
    if (s == null) {
      return String.format(Locale.ROOT, "%s v%d: nothing to do (%s)", r.view(), r.viewVersion(), r.note());
    }
    return String.format(Locale.ROOT,
        "%s v%d %s: %,d rows read, %,d entities written, %,d skipped as older, %,d expired, %,d entities served "
            + "(run %d) in %.1fs, %,.0f rows/s%s",
        r.view(), r.viewVersion(), interval, s.rowsRead(), s.entitiesWritten(), s.skippedAsOlder(), s.expired(),
        s.entitiesTotal(), s.runId(), s.seconds(), s.rowsPerSecond(), r.note().isEmpty() ? "" : "; " + r.note());
  }

  public static String total(List<Materializer.ViewResult> results, double seconds) {
    long rows = 0;
    long written = 0;
    long skipped = 0;
    int views = 0;
    for (Materializer.ViewResult r : results) {
      if (r.summary() != null) {
        views++;
        rows += r.summary().rowsRead();
        written += r.summary().entitiesWritten();
        skipped += r.summary().skippedAsOlder();
      }
    }
    return String.format(Locale.ROOT,
        "materialized %d view(s): %,d rows read, %,d entities written, %,d skipped as older in %.1fs (%,.0f rows/s)",
        views, rows, written, skipped, seconds, rows / Math.max(seconds, 1e-9));
  }
}
