package io.cuttle.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line settings of a bench as {@code --name value} pairs. Unknown names and values that are
 * not positive numbers stop the bench at once, naming the setting.
 */
final class BenchArguments {
  private final Map<String, String> values = new HashMap<>();

  BenchArguments(String[] args, Set<String> known) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          "settings come in pairs, '--name value'; got: " + String.join(" ", args));
    }
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "unknown setting '" + args[i] + "' (known: --" + String.join(", --", known) + ")");
      }
      values.put(name, args[i + 1]);
    }
  }

  int positiveInt(String name, int defaultValue) {
    String text = values.get(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // reported below, in the same words as a number out of range
    }
    throw new IllegalArgumentException("--" + name + ": " + text + " (expected: a number > 0)");
  }

  String text(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
