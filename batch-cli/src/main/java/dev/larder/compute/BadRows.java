package dev.larder.compute;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to do with a source row that cannot be used (a null join key, a null or unparsable event timestamp, a
 * value that does not parse as its column's type): fail the run with the row's position, or skip it and count
 * it by reason.
 */
final class BadRows {
  static final String NULL_KEY = "null join key";
  static final String NULL_TIMESTAMP = "null event timestamp";
  static final String BAD_TIMESTAMP = "unparsable event timestamp";
  static final String BAD_VALUE = "value not of the column's type";

  private final BadRowPolicy policy;
  private final Map<String, Long> counts = new LinkedHashMap<>();

  BadRows(BadRowPolicy policy) {
    this.policy = policy;
  }

  /**
   * Records a bad row.
   *
   * @param message names the file, the row and the column
   * @throws BadRowException under {@link BadRowPolicy#FAIL}
   */
  void report(String reason, String message) {
    if (policy == BadRowPolicy.FAIL) {
      throw new BadRowException(message + " (pass --on-bad-row skip to skip such rows)");
    }
    counts.merge(reason, 1L, Long::sum);
  }

  Map<String, Long> counts() {
    return Map.copyOf(counts);
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A bad row under the FAIL policy. */
  static final class BadRowException extends RuntimeException {
    BadRowException(String message) {
      super(message);
    }
  }
}
