package io.cuttle.common.text;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The names nearest to one that was not found, for "did you mean" hints: a misspelt environment,
 * project or option is usually one or two keystrokes away from the real one. Never a guess beyond
 * that: a name far from every known one gets no suggestion.
 */
public final class DidYouMean {
  private DidYouMean() {}

  /** The known names closest to {@code wanted} (ignoring case), nearest first; maybe none. */
  public static List<String> nearest(String wanted, Collection<String> known) {
    if (wanted == null || wanted.isBlank()) {
      return List.of();
    }
    String target = wanted.toLowerCase(Locale.ROOT);
    int limit = target.length() <= 3 ? 1 : Math.max(2, Math.min(3, target.length() / 3));
    return known.stream()
        .filter(name -> !name.equals(wanted))
        .filter(name -> distance(target, name.toLowerCase(Locale.ROOT)) <= limit)
        .sorted(Comparator.comparingInt(name -> distance(target, name.toLowerCase(Locale.ROOT))))
        .distinct()
        .limit(3)
        .toList();
  }

  /** "did you mean 'Production'?" (or two or three names), or empty when nothing is near. */
  public static String phrase(String wanted, Collection<String> known) {
    List<String> near = nearest(wanted, known);
    if (near.isEmpty()) {
      return "";
    }
    return "did you mean "
        + String.join(" or ", near.stream().map(name -> "'" + name + "'").toList())
        + "?";
  }

  /**
   * Edit distance: insertions, deletions, substitutions and swaps of two neighbouring letters each
   * cost one (optimal string alignment). A swap is the commonest typo ("wbe" for "web"), and as two
   * substitutions it put a short name out of reach of any suggestion.
   */
  static int distance(String a, String b) {
    int[] beforePrevious = new int[b.length() + 1];
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
        }
      }
      int[] reuse = beforePrevious;
      beforePrevious = previous;
      previous = current;
      current = reuse;
    }
    return previous[b.length()];
  }
}
