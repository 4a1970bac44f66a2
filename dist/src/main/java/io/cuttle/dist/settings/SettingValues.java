package io.cuttle.dist.settings;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks a value from the environment or a file against its option's type before picocli converts
 * it, so that a wrong one is refused in a sentence naming where it came from rather than in
 * picocli's words about an option nobody typed.
 */
final class SettingValues {
  private SettingValues() {}

  /** The value as picocli should read it (trimmed), or a refusal naming {@code origin}. */
  static String require(OptionSpec option, String value, SettingOrigin origin) {
    String trimmed =
        option.isMultiValue() && !option.splitRegex().isEmpty()
            ? String.join(
                ",",
                Arrays.stream(value.split(option.splitRegex(), -1)).map(String::strip).toList())
            : value.strip();
    Class<?> type = option.isMultiValue() ? option.auxiliaryTypes()[0] : option.type();
    List<String> parts =
        option.isMultiValue() && !option.splitRegex().isEmpty()
            ? Arrays.asList(trimmed.split(",", -1))
            : List.of(trimmed);
    for (String part : parts) {
      String expected = expected(type, part.strip());
      if (expected != null) {
        throw new IllegalArgumentException(
            origin.label() + ": '" + shown(option, trimmed) + "' (expected: " + expected + ")");
      }
    }
    return trimmed;
  }

  /** What the type needs when {@code value} is not it, or null when it is. */
  private static String expected(Class<?> type, String value) {
    if (value.isEmpty()) {
      return "a value";
    }
    try {
      if (type == int.class || type == Integer.class) {
        Integer.parseInt(value);
      } else if (type == long.class || type == Long.class) {
        Long.parseLong(value);
      } else if (type == boolean.class || type == Boolean.class) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
          return "true or false";
        }
      } else if (type.isEnum()) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
        if (!names.contains(value)) {
          return "one of " + String.join(", ", names);
        }
      }
      return null;
    } catch (NumberFormatException e) {
      return "a whole number";
    }
  }

  /** A value is echoed unless its option holds something secret. */
  static String shown(OptionSpec option, String value) {
    return Redaction.isSecret(option.longestName()) ? "(redacted)" : Redaction.inUrl(value);
  }
}
