package dev.larder.stats;

import java.util.Map;

/**
 * When a drift score counts as drift, per metric, and how many non-null values each side needs before a
 * distance is trusted (tiny samples give large distances by chance).
 */
public record DriftThresholds(double psi, double ks, double js, double nullRate, long minValues) {
  public static final DriftThresholds DEFAULT = new DriftThresholds(0.2, 0.1, 0.1, 0.1, 100);

  /** Settings {@code drift.psi_threshold}, {@code drift.ks_threshold}, {@code drift.js_threshold},
   *  {@code drift.null_rate_threshold}, {@code drift.min_values} over the defaults. */
  public static DriftThresholds fromSettings(Map<String, String> settings) {
    return new DriftThresholds(
        number(settings, "drift.psi_threshold", DEFAULT.psi),
        number(settings, "drift.ks_threshold", DEFAULT.ks),
        number(settings, "drift.js_threshold", DEFAULT.js),
        number(settings, "drift.null_rate_threshold", DEFAULT.nullRate),
        (long) number(settings, "drift.min_values", DEFAULT.minValues));
  }

  public double of(DriftMetric m) {
    return switch (m) {
      case PSI -> psi;
      case KS -> ks;
      case JS -> js;
      case NULL_RATE -> nullRate;
    };
  }

  private static double number(Map<String, String> settings, String key, double fallback) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (d < 0 || Double.isNaN(d)) {
        throw new IllegalArgumentException(key + " must be a non-negative number, not '" + v + "'");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
    }
  }
}
