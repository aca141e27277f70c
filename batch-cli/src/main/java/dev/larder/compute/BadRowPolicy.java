package dev.larder.compute;

/** What {@code larder compute} does with a source row it cannot use ({@code --on-bad-row}). */
public enum BadRowPolicy {
  /** Stop the run with an error naming the file, the row and the column; nothing is written. */
  FAIL,
  /** Skip the row, count it by reason, and report the counts. */
  SKIP
}
