package io.cuttle.server.data;

import io.cuttle.wire.polling.ProgressLimits;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hides a command's sensitive values in its stored log. A script prints a multi-line value (a PEM
 * key) as several lines, so each line of such a value is masked on its own too; and the tentacle
 * cuts a line longer than it ships in one piece, so a value straddling that cut is masked across it
 * ({@link #acrossCut}).
 */
final class LogMasks {
  private final List<String> secrets;

  /** Masks {@code values}, and each line of those that span several. */
  LogMasks(List<String> values) {
    Set<String> all = new LinkedHashSet<>();
    for (String value : values) {
      if (value == null || value.isEmpty()) {
        continue;
      }
      all.add(value);
      for (String line : value.split("\r\n|\r|\n")) {
        if (!line.isEmpty()) {
          all.add(line);
        }
      }
    }
    // Longest first, so that no value is half-masked by a shorter one inside it.
    this.secrets = all.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  boolean none() {
    return secrets.isEmpty();
  }

  String mask(String text) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, CommandLog.MASK);
    }
    return masked;
  }

  /** The two pieces of a cut line after masking what straddles the cut. */
  record Cut(String before, String after) {}

  /**
   * Masks a value that begins at the end of {@code before} (a piece already stored, so already
   * masked within itself) and ends at the start of {@code after} (not yet masked): the end of
   * {@code before} becomes the mask and the start of {@code after} is dropped. The rest of {@code
   * after} is left for {@link #mask}.
   */
  Cut acrossCut(String before, String after) {
    String head = before;
    String tail = after;
    for (String secret : secrets) {
      for (int k = Math.min(secret.length() - 1, head.length()); k >= 1; k--) {
        int rest = secret.length() - k;
        if (rest <= tail.length()
            && head.endsWith(secret.substring(0, k))
            && tail.startsWith(secret.substring(k))) {
          head = head.substring(0, head.length() - k) + CommandLog.MASK;
          tail = tail.substring(rest);
          break;
        }
      }
    }
    return new Cut(head, tail);
  }

  /**
   * Masking can lengthen a line past what the log's column holds (a seven-character secret becomes
   * eight asterisks), which would fail the whole batch again at every resend; its end is cut
   * instead. The cut comes after masking, so it can only shorten asterisks, never show a secret.
   */
  static String fitColumn(String text) {
    if (text.length() <= ProgressLimits.MAX_LINE_CHARS) {
      return text;
    }
    int end = ProgressLimits.MAX_LINE_CHARS;
    return text.substring(0, Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end);
  }
}
