package io.cuttle.server.tasks;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.web.ApiException;
import java.util.List;
import java.util.regex.Pattern;

/** The rules for what people send: names of things, thumbprints. */
public final class Validation {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private Validation() {}

  public static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(field + " is required");
    }
    if (!NAME.matcher(value).matches()) {
      throw ApiException.badRequest(
          field
              + ": '"
              + value
              + "' (expected: 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit)");
    }
    return value;
  }

  static List<String> names(String field, List<String> values) {
    return values == null
        ? List.of()
        : values.stream().map(v -> name(field, v)).distinct().toList();
  }

  static Thumbprint thumbprint(String value) {
    try {
      return Thumbprint.parse(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }
}
