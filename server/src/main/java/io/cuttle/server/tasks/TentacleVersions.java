package io.cuttle.server.tasks;

import java.util.regex.Pattern;

/**
 * Compares tentacle versions such as {@code 0.1.0} and {@code 0.2.0-SNAPSHOT}: numbers part by
 * part, missing parts as zero, and a qualified version ({@code -SNAPSHOT}, {@code -rc1}) before the
 * release it leads to.
 */
public final class TentacleVersions {
  private static final Pattern VERSION = Pattern.compile("\\d{1,9}(\\.\\d{1,9})*(-[\\w.]+)?");

  private TentacleVersions() {}

  /** Refuses what cannot be compared, naming the setting, so a typo fails at start. */
  public static String requireValid(String setting, String version) {
    if (version == null || !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          setting + ": '" + version + "' (expected: a version such as 0.2.0)");
    }
    return version;
  }

  /** Whether {@code version} is older than {@code minimum}; an unknown version is not. */
  public static boolean isOlder(String version, String minimum) {
    if (version == null || minimum == null || !VERSION.matcher(version).matches()) {
      return false;
    }
    return compare(version, minimum) < 0;
  }

  static int compare(String a, String b) {
    String[] left = a.split("-", 2);
    String[] right = b.split("-", 2);
    String[] leftParts = left[0].split("\\.");
    String[] rightParts = right[0].split("\\.");
    for (int i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
      long l = i < leftParts.length ? Long.parseLong(leftParts[i]) : 0;
      long r = i < rightParts.length ? Long.parseLong(rightParts[i]) : 0;
      if (l != r) {
        return Long.compare(l, r);
      }
    }
    boolean leftQualified = left.length > 1;
    boolean rightQualified = right.length > 1;
    if (leftQualified != rightQualified) {
      return leftQualified ? -1 : 1;
    }
    return leftQualified ? left[1].compareTo(right[1]) : 0;
  }
}
