package dev.larder.registry;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "did you mean ...?" for a mistyped name: the known name closest to it by edit distance, when it is close
 * enough to be a typo (a third of the name's length, at least one edit) and no other name is as close. Used by
 * every place that rejects an unknown view, feature or service, so the CLI and the server suggest alike.
 */
public final class Suggestion {
  private Suggestion() {}

  /** The unique closest candidate within typo distance of {@code typed}, if any. */
  public static Optional<String> closest(String typed, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    boolean tie = false;
    int limit = Math.max(1, typed.length() / 3);
    for (String c : candidates) {
      int d = distance(typed.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT), limit);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
        tie = false;
      } else if (d == bestDistance && !c.equals(best)) {
        tie = true;
      }
    }
    return best != null && bestDistance <= limit && !tie ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean 'x'?"} or the empty string. */
  public static String didYouMean(String typed, Collection<String> candidates) {
    return closest(typed, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /** Damerau (optimal string alignment) distance, or {@code limit + 1} once it is certainly above the limit. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1); // transposition: "tota_lspend"
        }
        d[i][j] = v;
      }
    }
    return Math.min(d[a.length()][b.length()], limit + 1);
  }
}
