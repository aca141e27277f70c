package dev.larder.join;

/** Hears how far a point-in-time join got, for progress display. Called from the joining thread. */
public interface JoinListener {
  JoinListener NONE = new JoinListener() {};

  /** A new step begins, e.g. "reading history of view x"; {@code total} rows expected, or -1 if unknown. */
  default void step(String label, long total) {}

  /** {@code rows} more rows of the current step were processed. */
  default void advance(long rows) {}
}
