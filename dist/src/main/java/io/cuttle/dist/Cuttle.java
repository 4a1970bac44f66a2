package io.cuttle.dist;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      CommandLine.HelpCommand.class
    })
public final class Cuttle implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Cuttle());
    commandLine.setExecutionExceptionHandler(new Failures());
    return commandLine;
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
