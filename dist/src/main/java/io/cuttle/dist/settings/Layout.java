package io.cuttle.dist.settings;

import java.util.Map;
import java.util.Set;

/**
 * How one command takes its settings from the environment and a file.
 *
 * @param variableWord the word after {@code CUTTLE_} in its variables ({@code SERVER})
 * @param fileOption the option naming its settings file ({@code --config})
 * @param actions options that do something rather than set something ({@code --print-config}):
 *     neither a variable nor the file may give them
 * @param refusedInFile names a file may not hold, each with the sentence saying where that value
 *     goes instead
 * @param otherVariables variables of this command that are not options (a password)
 */
public record Layout(
    String variableWord,
    String fileOption,
    Set<String> actions,
    Map<String, String> refusedInFile,
    Set<String> otherVariables) {

  public static Layout of(String variableWord, String fileOption) {
    return new Layout(variableWord, fileOption, Set.of(), Map.of(), Set.of());
  }

  public Layout withActions(String... options) {
    return new Layout(variableWord, fileOption, Set.of(options), refusedInFile, otherVariables);
  }

  /** A name the file refuses with {@code instead}, whose value has a variable of its own. */
  public Layout refusing(String name, String instead, String variable) {
    Map<String, String> refused = new java.util.HashMap<>(refusedInFile);
    refused.put(name, instead);
    return new Layout(variableWord, fileOption, actions, Map.copyOf(refused), otherVariables)
        .knowing(variable);
  }

  /** Variables with this command's prefix that are no setting of it but are no mistake either. */
  public Layout knowing(String... variables) {
    Set<String> known = new java.util.HashSet<>(otherVariables);
    known.addAll(Set.of(variables));
    return new Layout(variableWord, fileOption, actions, refusedInFile, Set.copyOf(known));
  }

  /** {@code CUTTLE_SERVER_MAX_PACKAGE_MB} for {@code --max-package-mb}. */
  public String variable(String option) {
    return "CUTTLE_"
        + variableWord
        + "_"
        + option.replaceFirst("^--", "").toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }
}
