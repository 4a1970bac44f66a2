package io.cuttle.dist;

import io.cuttle.dist.settings.SettingSources;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code cuttle} command line: one jar, one subcommand per role. */
@Command(
    name = "cuttle",
    mixinStandardHelpOptions = true,
    versionProvider = Cuttle.Version.class,
    description = "Deployment server whose polling tentacles reach it through port 443 only.",
    subcommands = {
      ServerCommand.class,
      TentacleCommand.class,
      RouterCommand.class,
      ScriptCommand.class,
      TaskCommand.class,
      ServerCertificateCommand.class,
      FleetCommand.class,
      NodeCommand.class,
      UserCommand.class,
      ApiKeyCommand.class,
      RegistrationTokenCommand.class,
      EnvironmentCommand.class,
      ProjectCommand.class,
      ReleaseCommand.class,
      DeployCommand.class,
      PackageCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Cuttle implements Runnable {
  static final int HELP_WIDTH = 80;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line reading its CUTTLE_* settings from {@code environment}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Cuttle());
    commandLine.getSubcommands().values().forEach(Cuttle::withoutVersionOption);
    SettingSources.attach(
        commandLine.getSubcommands().get("server"), ServerCommand.SETTINGS, environment);
    SettingSources.attach(
        commandLine.getSubcommands().get("router"), RouterCommand.SETTINGS, environment);
    SettingSources.attach(
        commandLine.getSubcommands().get("tentacle").getSubcommands().get("run"),
        TentacleCommand.Run.SETTINGS,
        environment);
    commandLine.setExecutionExceptionHandler(new Failures());
    commandLine.setParameterExceptionHandler(new UsageErrors());
    // As a terminal shows it, whatever COLUMNS or picocli.usage.width say: HelpTextTest checks the
    // help at this width.
    commandLine.setUsageHelpWidth(HELP_WIDTH);
    return commandLine;
  }

  /**
   * Only {@code cuttle --version} prints the version. The standard help options give every
   * subcommand a {@code -V/--version} too, and there it swallowed a mistyped option: {@code deploy
   * --version 1.0.0} printed an empty version, exited 0 and deployed nothing. Without it the option
   * is unknown and the parse fails with a message.
   */
  private static void withoutVersionOption(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    OptionSpec version = spec.findOption("--version");
    if (version != null && version.versionHelp()) {
      spec.remove(version);
    }
    command.getSubcommands().values().forEach(Cuttle::withoutVersionOption);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cuttle " + io.cuttle.server.CuttleServer.VERSION};
    }
  }
}
