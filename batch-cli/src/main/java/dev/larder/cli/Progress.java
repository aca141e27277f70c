package dev.larder.cli;

import dev.larder.tasks.ProgressReporter;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long batch step on stderr: a redrawn bar on a terminal, and plain periodic log lines
 * otherwise (cron, CI, pipes), so that logs stay readable. Not thread-safe; call from the driving thread.
 */
final class Progress implements ProgressReporter.Step {
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;
  private static final long DRAW_EVERY_NANOS = 200_000_000L;
  private static final long LOG_DONE_AFTER_NANOS = 1_000_000_000L;

  private final PrintStream err;
  private final String label;
  private final long total;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long last = start;
  private long done;

  /** Starts a step drawn on stderr; the CLI hands this to the engines as their {@link ProgressReporter}. */
  public static Progress start(String label, long total) {
    return new Progress(label, total);
  }

  /** @param total expected units, or -1 when unknown */
  public Progress(String label, long total) {
    this(System.err, label, total, System.console() != null && System.getenv("LARDER_NO_PROGRESS") == null);
  }

  Progress(PrintStream err, String label, long total, boolean terminal) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.terminal = terminal;
  }

  public void advance(long n) {
    done += n;
    long now = System.nanoTime();
    if (now - last >= (terminal ? DRAW_EVERY_NANOS : LOG_EVERY_NANOS)) {
      last = now;
      print(now);
    }
  }

  public long done() {
    return done;
  }

  public double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  private void print(long now) {
    double secs = (now - start) / 1e9;
    String rate = String.format(Locale.ROOT, "%,.0f/s", done / Math.max(secs, 1e-9));
    if (terminal) {
      String bar = "";
      if (total > 0) {
        int width = 30;
        int filled = (int) Math.min(width, width * done / total);
        bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
            + String.format(Locale.ROOT, "%3d%% ", 100 * done / total);
      }
      err.print("\r" + label + " " + bar + String.format(Locale.ROOT, "%,d", done) + " " + rate + "   ");
      err.flush();
    } else {
      err.println(String.format(Locale.ROOT, "%s: %,d%s done, %s, %.0fs elapsed", label, done,
          total > 0 ? String.format(Locale.ROOT, " of %,d", total) : "", rate, secs));
    }
  }

  /** Clears the bar on a terminal; in a log, a step that took a while gets a closing line with its duration. */
  @Override
  public void close() {
    if (terminal) {
      err.print("\r" + " ".repeat(80) + "\r");
      err.flush();
    } else if (System.nanoTime() - start >= LOG_DONE_AFTER_NANOS) {
      err.println(String.format(Locale.ROOT, "%s: done%s in %.1fs", label,
          done > 0 ? String.format(Locale.ROOT, ", %,d", done) : "", seconds()));
    }
  }
}
