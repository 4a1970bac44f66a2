package io.cuttle.common.text;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a mistyped one was most likely meant to be, for a "did you mean" hint: the one
 * fewest single-letter edits away, if that is close enough to be a typo rather than another word.
 */
public final class NearestName {
  private NearestName() {}

  public static Optional<String> to(String typed, Collection<String> known) {
    if (typed == null || typed.isEmpty()) {
      return Optional.empty();
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : known) {
      int distance = distance(typed.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = name;
        bestDistance = distance;
      }
    }
    // A third of the letters wrong is still a typo ("scrpt", "rols"); more is a different word.
    int allowed = Math.max(1, Math.min(typed.length(), best == null ? 0 : best.length()) / 3);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance, the one {@link DidYouMean} measures by. */
  static int distance(String a, String b) {
    return DidYouMean.distance(a, b);
  }
}
