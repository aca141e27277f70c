package dev.larder.stats;

/**
 * One distance between a feature's reference and current profiles. {@code score} is NaN when it could not be
 * computed ({@link Status#SKIPPED}, with the reason in {@code note}).
 */
public record DriftScore(DriftMetric metric, double score, double threshold, Status status, String note) {
  /** Whether the score crossed its threshold. */
  public enum Status { OK, DRIFT, SKIPPED }

  public static DriftScore of(DriftMetric metric, double score, double threshold) {
    return new DriftScore(metric, score, threshold, score > threshold ? Status.DRIFT : Status.OK, "");
  }

  public static DriftScore skipped(DriftMetric metric, double threshold, String why) {
    return new DriftScore(metric, Double.NaN, threshold, Status.SKIPPED, why);
  }

  public boolean drifted() {
    return status == Status.DRIFT;
  }
}
