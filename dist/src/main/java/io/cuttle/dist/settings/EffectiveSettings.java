package io.cuttle.dist.settings;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --print-config}: every setting as a settings file would hold it, each with where its value
 * came from, secrets redacted. A setting nobody gave and without a default is shown commented out.
 */
public final class EffectiveSettings {
  private static final int VALUE_COLUMN = 44;

  private EffectiveSettings() {}

  /** {@code notes} are further lines (what a secret's source is), printed as comments. */
  public static void print(
      PrintWriter out, SettingSources sources, String fileOption, List<String> notes) {
    out.println(
        "# Effective settings (an option beats the environment, which beats the file, which beats"
            + " the default)");
    for (Map.Entry<OptionSpec, SettingOrigin> setting : sources.settings().entrySet()) {
      OptionSpec option = setting.getKey();
      String name = SettingSources.bare(option.longestName());
      String value = shown(option);
      // The settings file itself is not a setting a file may hold: shown, but commented out.
      boolean commented = value == null || option.longestName().equals(fileOption);
      String line = (commented ? "# " : "") + name + " =" + (value == null ? "" : " " + value);
      out.println(padded(line) + " # " + describe(setting.getValue(), value == null));
    }
    notes.forEach(note -> out.println("# " + note));
    out.flush();
  }

  private static String describe(SettingOrigin origin, boolean unset) {
    return unset && origin instanceof SettingOrigin.Default ? "not set" : origin.describe();
  }

  private static String padded(String line) {
    return line.length() >= VALUE_COLUMN ? line : line + " ".repeat(VALUE_COLUMN - line.length());
  }

  /** The value as the file would spell it, redacted where secret; null when there is none. */
  private static String shown(OptionSpec option) {
    Object value = option.getValue();
    if (value == null) {
      return null;
    }
    String text =
        value instanceof Collection<?> values
            ? values.stream().map(String::valueOf).collect(Collectors.joining(","))
            : String.valueOf(value);
    if (value instanceof Collection<?> values && values.isEmpty()) {
      return null;
    }
    return SettingValues.shown(option, text);
  }
}
