package io.cuttle.dist;

import io.cuttle.dist.settings.SettingSources;
import java.util.List;
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
    description = "Deployment server whose polling tentacles reach it through port 443 only.")
public final class Cuttle implements Runnable {
  static final int HELP_WIDTH = 80;

  /**
   * The top-level commands by name, in the order the help lists them. Added here rather than in the
   * annotation so that a call builds only the command it names ({@link #commandLine(String...)});
   * the names are spelt here too so that finding it reads no command's annotations, which would
   * load every class they name (CommandTreeOnDemandTest checks that each is the command's own).
   */
  static final List<Map.Entry<String, Class<?>>> COMMANDS =
      List.of(
          Map.entry("server", ServerCommand.class),
          Map.entry("tentacle", TentacleCommand.class),
          Map.entry("router", RouterCommand.class),
          Map.entry("script", ScriptCommand.class),
          Map.entry("task", TaskCommand.class),
          Map.entry("server-certificate", ServerCertificateCommand.class),
          Map.entry("fleet", FleetCommand.class),
          Map.entry("node", NodeCommand.class),
          Map.entry("user", UserCommand.class),
          Map.entry("api-key", ApiKeyCommand.class),
          Map.entry("registration-token", RegistrationTokenCommand.class),
          Map.entry("environment", EnvironmentCommand.class),
          Map.entry("project", ProjectCommand.class),
          Map.entry("release", ReleaseCommand.class),
          Map.entry("deploy", DeployCommand.class),
          Map.entry("package", PackageCommand.class),
          Map.entry("demo", DemoCommand.class),
          Map.entry("completion", CompletionCommand.class),
          Map.entry("help", CommandLine.HelpCommand.class));

  /** The commands that work on all the others. */
  static final java.util.Set<String> WHOLE_TREE = java.util.Set.of("help", "completion");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The whole configured command line, every command in it. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The whole command line, reading its CUTTLE_* settings from {@code environment}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    return commandLine(COMMANDS.stream().map(Map.Entry::getValue).toList(), environment);
  }

  /**
   * The command line {@code args} need: when they start with a command's name, only that command
   * (and its own subcommands), else all. Picocli reads every option of every command it is given by
   * reflection, which cost a client call such as {@code fleet list} about 100 classes and a third
   * of a second before it did anything; a call names one command, and the help, the "did you mean"
   * for a misspelt command and {@code help} itself, which need them all, get them all.
   */
  static CommandLine commandLine(String... args) {
    if (args.length > 0) {
      for (Map.Entry<String, Class<?>> command : COMMANDS) {
        // "help" shows the others and "completion" completes them; an alias (none so far) falls
        // through to the whole tree too.
        if (!WHOLE_TREE.contains(command.getKey()) && command.getKey().equals(args[0])) {
          return commandLine(List.of(command.getValue()), System.getenv());
        }
      }
    }
    return commandLine();
  }

  private static CommandLine commandLine(List<Class<?>> commands, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new Cuttle());
    commands.forEach(commandLine::addSubcommand);
    commandLine.getSubcommands().values().forEach(Cuttle::withoutVersionOption);
    // Only the commands this call built: one call names one command.
    Map<String, CommandLine> built = commandLine.getSubcommands();
    if (built.containsKey("server")) {
      SettingSources.attach(built.get("server"), ServerCommand.SETTINGS, environment);
    }
    if (built.containsKey("router")) {
      SettingSources.attach(built.get("router"), RouterCommand.SETTINGS, environment);
    }
    if (built.containsKey("tentacle")) {
      SettingSources.attach(
          built.get("tentacle").getSubcommands().get("run"),
          TentacleCommand.Run.SETTINGS,
          environment);
    }
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
