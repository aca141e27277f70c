package dev.larder.cli;

import dev.larder.tasks.ProgressReporter;
import java.io.PrintStream;
import java.util.function.LongSupplier;
import java.util.Locale;

/**
 * Progress of a long batch step on stderr: on a terminal a bar redrawn in place, with percentage, count of
 * total, rate, elapsed time and ETA when the total is known (a count, rate and elapsed time otherwise); in a
 * log (cron, CI, pipes, or {@code LARDER_NO_PROGRESS=1}) a plain line every 10 seconds, so that logs stay
 * readable. The count shown never passes the total. Not thread-safe; call from the driving thread.
 *
 * <p>A step that took a while ends with a "done" line in a log, but that line is held back until the next
 * step starts or the command ends well ({@link #flushPending}), so that a step followed by a failure (a lock
 * held elsewhere, a write error) is not reported as done.
 */
final class Progress implements ProgressReporter.Step {
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;
  private static final long DRAW_EVERY_NANOS = 200_000_000L;
  private static final long LOG_DONE_AFTER_NANOS = 1_000_000_000L;
  private static final int BAR_WIDTH = 24;

  /** The closing line of the last step, printed once the step is known to have been followed by no failure. */
  private static Pending pending;

  private record Pending(PrintStream err, String line) {}

  private final PrintStream err;
  private final String label;
  private final long total;
  private final boolean terminal;
  private final int width;
  private final LongSupplier nanoTime;
  private final long start;
  private long last;
  private long done;
  private boolean drawn;

  /** Starts a step drawn on stderr; the CLI hands this to the engines as their {@link ProgressReporter}. */
  public static Progress start(String label, long total) {
    return new Progress(label, total);
  }

  /** @param total expected units, or -1 when unknown */
  public Progress(String label, long total) {
    this(System.err, label, total, System.console() != null && System.getenv("LARDER_NO_PROGRESS") == null);
  }

  Progress(PrintStream err, String label, long total, boolean terminal) {
    this(err, label, total, terminal, System::nanoTime);
  }

  /** @param nanoTime the clock, so that tests need not sleep */
  Progress(PrintStream err, String label, long total, boolean terminal, LongSupplier nanoTime) {
    flushPending();
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    this.last = start;
    this.err = err;
    this.label = label;
    this.total = total;
    this.terminal = terminal;
    this.width = terminalWidth();
  }

  public void advance(long n) {
    done += n;
    long now = nanoTime.getAsLong();
    if (now - last >= (terminal ? DRAW_EVERY_NANOS : LOG_EVERY_NANOS)) {
      last = now;
      if (terminal) {
        err.print("\r" + bar(label, done, total, now - start, width));
        drawn = true;
        err.flush();
      } else {
        err.println(logLine(label, done, total, now - start));
      }
    }
  }

  public long done() {
    return done;
  }

  public double seconds() {
    return (nanoTime.getAsLong() - start) / 1e9;
  }

  /** The bar line for a terminal, at most {@code width - 1} characters (the cursor stays on the line). */
  static String bar(String label, long done, long total, long elapsedNanos, int width) {
    double secs = elapsedNanos / 1e9;
    long shown = total > 0 ? Math.min(done, total) : done;
    String rate = String.format(Locale.ROOT, "%,.0f/s", shown / Math.max(secs, 1e-9));
    String tail;
    if (total > 0) {
      int filled = (int) (BAR_WIDTH * shown / total);
      String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
      tail = String.format(Locale.ROOT, " [%s] %3d%% %,d/%,d %s %s ETA %s", bar, 100 * shown / total, shown, total,
          rate, clock(secs), eta(shown, total, secs));
    } else {
      tail = String.format(Locale.ROOT, " %,d %s %s", shown, rate, clock(secs));
    }
    int room = Math.max(8, width - 1 - tail.length());
    String name = label.length() <= room ? label : label.substring(0, room - 3) + "...";
    String line = name + tail;
    return line.length() < width ? line + " ".repeat(width - 1 - line.length()) : line;
  }

  /** The periodic line for a log. */
  static String logLine(String label, long done, long total, long elapsedNanos) {
    double secs = elapsedNanos / 1e9;
    long shown = total > 0 ? Math.min(done, total) : done;
    String rate = String.format(Locale.ROOT, "%,.0f/s", shown / Math.max(secs, 1e-9));
    if (total > 0) {
      return String.format(Locale.ROOT, "%s: %,d of %,d done (%d%%), %s, %.0fs elapsed, ETA %s", label, shown, total,
          100 * shown / total, rate, secs, eta(shown, total, secs));
    }
    return String.format(Locale.ROOT, "%s: %,d done, %s, %.0fs elapsed", label, shown, rate, secs);
  }

  private static String eta(long done, long total, double secs) {
    if (done <= 0) {
      return "?";
    }
    return clock(secs * (total - done) / done);
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static int terminalWidth() {
    try {
      int columns = Integer.parseInt(String.valueOf(System.getenv("COLUMNS")).trim());
      return Math.max(40, Math.min(columns, 200));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /**
   * Clears the bar on a terminal. In a log, a step that took a while gets a closing line with its count and
   * duration, printed by {@link #flushPending} or when the next step starts.
   */
  @Override
  public void close() {
    if (terminal) {
      if (drawn) {
        err.print("\r" + " ".repeat(width - 1) + "\r");
        err.flush();
      }
    } else if (nanoTime.getAsLong() - start >= LOG_DONE_AFTER_NANOS) {
      long shown = total > 0 ? Math.min(done, total) : done;
      pending = new Pending(err, String.format(Locale.ROOT, "%s: done%s in %.1fs", label,
          shown > 0 ? String.format(Locale.ROOT, ", %,d", shown) : "", seconds()));
    }
  }

  /** Prints the held-back closing line of the last step; the command line calls it when a command succeeded. */
  public static void flushPending() {
    Pending p = pending;
    pending = null;
    if (p != null) {
      p.err().println(p.line());
      p.err().flush();
    }
  }

  /** Forgets the held-back closing line: the command failed after the step. */
  static void dropPending() {
    pending = null;
  }
}
