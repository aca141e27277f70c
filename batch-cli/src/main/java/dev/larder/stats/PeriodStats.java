package dev.larder.stats;

import java.util.List;
import java.util.Optional;

/**
 * The statistics of one view over one period: an aggregation view's snapshot (start = end = its as-of time)
 * or one UTC day of a passthrough view's events ({@code [day, next day)}, end exclusive).
 */
record PeriodStats(String view, long start, long end, List<FeatureStats> features) {
  public PeriodStats {
    features = List.copyOf(features);
  }

  public Optional<FeatureStats> feature(String name) {
    return features.stream().filter(f -> f.feature().equals(name)).findFirst();
  }
}
