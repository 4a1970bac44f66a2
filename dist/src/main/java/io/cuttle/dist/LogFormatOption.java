package io.cuttle.dist;

import io.cuttle.dist.logging.LogFormat;
import io.cuttle.dist.settings.SettingSources;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --log-format text|json} for the commands that run as services. */
final class LogFormatOption {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "How the log on stderr is written: text (default) or json, one JSON object per line"
              + " with time, level, logger, message and context.")
  String value;

  /** Switches the log to the chosen format, or refuses a value naming the setting's source. */
  void apply() {
    LogFormat.parse(SettingSources.of(mixee).label("--log-format"), value).apply();
  }
}
