package dev.larder.stats;

import java.util.Locale;

/** The distances Larder reports between a feature's reference and current distributions. */
public enum DriftMetric {
  /** Population stability index over the reference deciles (numbers). */
  PSI,
  /** Kolmogorov-Smirnov distance: the largest gap between the two CDFs (numbers). */
  KS,
  /** Jensen-Shannon divergence in bits, 0 to 1, over the top values plus "other" (strings, booleans). */
  JS,
  /** Absolute change of the null rate (every feature). */
  NULL_RATE;

  /** Lower-case name as printed and as used in settings ({@code drift.psi_threshold}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
