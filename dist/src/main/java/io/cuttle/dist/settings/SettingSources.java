package io.cuttle.dist.settings;

import io.cuttle.common.text.DidYouMean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives a command's options the values the command line left out: from a {@code
 * CUTTLE_<COMMAND>_<OPTION>} environment variable, else from the settings file, else the option's
 * own default. Picocli asks it only for options not on the command line, which makes the order
 * option, environment, file, default. It remembers where each value came from, so that an error and
 * {@code --print-config} can name the source.
 */
public final class SettingSources implements CommandLine.IDefaultValueProvider {
  private final CommandSpec spec;
  private final Layout layout;
  private final Map<String, String> environment;
  private final Map<String, SettingOrigin> origins = new HashMap<>();
  private boolean environmentChecked;
  private boolean fileRead;
  private SettingsFile file;

  private SettingSources(CommandSpec spec, Layout layout, Map<String, String> environment) {
    this.spec = spec;
    this.layout = layout;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Lets {@code command}'s options come from the environment and its settings file, and shows each
   * option's variable in its help.
   */
  public static void attach(CommandLine command, Layout layout, Map<String, String> environment) {
    CommandSpec spec = command.getCommandSpec();
    for (OptionSpec option : List.copyOf(spec.options())) {
      if (isSetting(option, layout)) {
        String[] description = Arrays.copyOf(option.description(), option.description().length + 1);
        description[description.length - 1] =
            "Environment: " + layout.variable(option.longestName()) + ".";
        spec.remove(option);
        spec.addOption(option.toBuilder().description(description).build());
      }
    }
    spec.defaultValueProvider(new SettingSources(spec, layout, environment));
  }

  /** The sources of {@code spec}'s command, or null when it takes options from nowhere else. */
  public static SettingSources of(CommandSpec spec) {
    return spec.defaultValueProvider() instanceof SettingSources sources ? sources : null;
  }

  /** The environment the settings were read from (the process's, or a test's). */
  public Map<String, String> environment() {
    return environment;
  }

  /** The variable that sets {@code option}, e.g. CUTTLE_SERVER_PORT. */
  public String variable(String option) {
    return layout.variable(option);
  }

  /** Where {@code option}'s value came from; call it once the command line is parsed. */
  public SettingOrigin origin(String option) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed != null && parsed.hasMatchedOption(option)) {
      return new SettingOrigin.Option(option);
    }
    return origins.getOrDefault(option, new SettingOrigin.Default(option));
  }

  /** How an error sentence names {@code option}: as its source gave it. */
  public String label(String option) {
    return origin(option).label();
  }

  /** The options that are settings, in the order the command declares them, with their origins. */
  public Map<OptionSpec, SettingOrigin> settings() {
    Map<OptionSpec, SettingOrigin> settings = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      if (isSetting(option, layout)) {
        settings.put(option, origin(option.longestName()));
      }
    }
    return settings;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !isSetting(option, layout) || helpRequested()) {
      return null;
    }
    try {
      requireKnownVariables();
      String name = option.longestName();
      String variable = layout.variable(name);
      String fromEnvironment = environment.get(variable);
      // An empty variable counts as unset, as a unit's "Environment=NAME=" or a shell's NAME= mean.
      if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        return use(option, fromEnvironment, new SettingOrigin.Environment(variable));
      }
      SettingsFile settings = name.equals(layout.fileOption()) ? null : file();
      SettingsFile.Entry entry = settings == null ? null : settings.get(bare(name));
      if (entry != null) {
        return use(
            option,
            entry.value(),
            new SettingOrigin.File(settings.path(), entry.line(), bare(name)));
      }
      origins.remove(name);
      return null;
    } catch (IllegalArgumentException e) {
      throw new SettingException(spec.commandLine(), e.getMessage());
    }
  }

  private String use(OptionSpec option, String value, SettingOrigin origin) {
    String checked = SettingValues.require(option, value, origin);
    origins.put(option.longestName(), origin);
    return checked;
  }

  private SettingsFile file() {
    if (!fileRead) {
      fileRead = true;
      OptionSpec fileOption = spec.findOption(layout.fileOption());
      String variable = layout.variable(layout.fileOption());
      String fromEnvironment = environment.get(variable);
      if (fileOption.getValue() != null) {
        String where =
            origins.containsKey(layout.fileOption())
                ? "environment variable " + variable
                : layout.fileOption();
        file = SettingsFile.read(fileOption.getValue(), where, rules());
      } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
        file =
            SettingsFile.read(
                Path.of(fromEnvironment.strip()), "environment variable " + variable, rules());
      }
    }
    return file;
  }

  private SettingsFile.Rules rules() {
    Map<String, Boolean> repeatable = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      if (isSetting(option, layout) && !option.longestName().equals(layout.fileOption())) {
        repeatable.put(bare(option.longestName()), option.isMultiValue());
      }
    }
    Map<String, String> refused = new HashMap<>(layout.refusedInFile());
    refused.put(
        bare(layout.fileOption()),
        "a settings file cannot name another (give one " + layout.fileOption() + ")");
    return new SettingsFile.Rules(spec.qualifiedName(), repeatable, refused);
  }

  /**
   * A misspelt variable would leave its setting at the default without a word: every variable with
   * this command's prefix must be one of its settings.
   */
  private void requireKnownVariables() {
    if (environmentChecked) {
      return;
    }
    environmentChecked = true;
    String prefix = "CUTTLE_" + layout.variableWord() + "_";
    Set<String> known = new TreeSet<>(layout.otherVariables());
    spec.options().stream()
        .filter(option -> isSetting(option, layout))
        .forEach(option -> known.add(layout.variable(option.longestName())));
    for (String variable : new TreeSet<>(environment.keySet())) {
      if (variable.startsWith(prefix) && !known.contains(variable)) {
        String near = DidYouMean.phrase(variable, known);
        throw new IllegalArgumentException(
            "environment variable "
                + variable
                + " is not a setting of "
                + spec.qualifiedName()
                + (near.isEmpty()
                    ? " (expected: one of " + known.stream().collect(Collectors.joining(", ")) + ")"
                    : " (" + near + ")"));
      }
    }
  }

  private boolean helpRequested() {
    return spec.options().stream()
        .filter(option -> option.usageHelp() || option.versionHelp())
        .anyMatch(option -> Boolean.TRUE.equals(option.getValue()));
  }

  private static boolean isSetting(OptionSpec option, Layout layout) {
    return !option.usageHelp()
        && !option.versionHelp()
        && !layout.actions().contains(option.longestName());
  }

  static String bare(String option) {
    return option.replaceFirst("^--", "");
  }
}
