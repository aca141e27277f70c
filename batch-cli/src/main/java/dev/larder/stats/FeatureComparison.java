package dev.larder.stats;

import dev.larder.core.v1.ValueType;
import java.util.List;

/**
 * One feature's merged reference and current profiles and the drift scores between them. A side is null
 * when the feature has no statistics in that range (for example a feature added since). A view's join keys
 * are compared too ({@code joinKey}), on their null rate only: a key going null breaks every lookup.
 */
public record FeatureComparison(String view, String feature, ValueType type, FeatureProfile reference,
                                FeatureProfile current, List<DriftScore> scores, boolean joinKey) {
  public boolean drifted() {
    return scores.stream().anyMatch(DriftScore::drifted);
  }

  /** The largest score relative to its threshold, for sorting the most drifted first. */
  public double severity() {
    return scores.stream().filter(s -> !Double.isNaN(s.score()) && s.threshold() > 0)
        .mapToDouble(s -> s.score() / s.threshold()).max().orElse(0);
  }
}
