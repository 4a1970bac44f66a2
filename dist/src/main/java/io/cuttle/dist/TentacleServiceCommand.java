package io.cuttle.dist;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = "Installs or removes a systemd service that runs a tentacle instance.",
    subcommands = {TentacleServiceInstallCommand.class, TentacleServiceUninstallCommand.class})
final class TentacleServiceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where unit files go; tests point it at a temporary folder. */
  static final class UnitDirOption {
    @Option(
        names = "--unit-dir",
        defaultValue = "/etc/systemd/system",
        description = "Folder for the unit file (default: ${DEFAULT-VALUE}).")
    Path unitDir;
  }
}
