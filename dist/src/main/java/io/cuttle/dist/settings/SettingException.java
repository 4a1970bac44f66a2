package io.cuttle.dist.settings;

import picocli.CommandLine;

/**
 * A setting from the environment or a settings file that cannot be used: its message is one
 * sentence naming the source, the setting and what is expected, and the command stops before it
 * starts anything.
 */
public final class SettingException extends CommandLine.ParameterException {
  public SettingException(CommandLine commandLine, String message) {
    super(commandLine, message);
  }
}
