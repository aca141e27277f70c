package dev.larder.tasks;

/**
 * How a batch engine reports the progress of a long step without knowing who shows it: the CLI draws a bar
 * or writes log lines, tests and embedding engines (Spark, stream consumers) pass {@link #SILENT}. It keeps
 * the engines free of any dependency on the command line.
 */
@FunctionalInterface
public interface ProgressReporter {
  /** Reports nothing. */
  ProgressReporter SILENT = (label, total) -> new Step() {
    @Override
    public void advance(long n) {}

    @Override
    public void close() {}
  };

  /**
   * Starts a step.
   *
   * @param total expected units, or -1 when unknown
   */
  Step start(String label, long total);

  /** One running step; closing it ends the step (also when the step failed). */
  interface Step extends AutoCloseable {
    void advance(long n);

    @Override
    void close();
  }
}
