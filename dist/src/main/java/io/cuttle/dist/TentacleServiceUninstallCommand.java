package io.cuttle.dist;

import io.cuttle.tentacle.TentacleHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = {
      "Removes the systemd unit of this instance.",
      "The instance itself (key, certificate, registration) stays; 'cuttle tentacle deregister' "
          + "removes it from the server."
    })
final class TentacleServiceUninstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--instance",
      required = true,
      description = "Name of the tentacle instance on this machine.")
  String instance;

  @CommandLine.Mixin TentacleServiceCommand.UnitDirOption unitDir;

  @Override
  public Integer call() throws Exception {
    // Validates the name: it becomes part of a path we delete.
    TentacleHome.of(instance, Path.of("."));
    String name = SystemdUnit.fileName(instance);
    Path file = unitDir.unitDir.resolve(name);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no unit " + file + ": instance '" + instance + "' has no service installed there");
    }
    // systemctl disable needs the unit file to know what to undo, so an enabled unit is refused
    // rather than left as a dangling, still-running service.
    Path enabled = unitDir.unitDir.resolve("multi-user.target.wants").resolve(name);
    if (Files.exists(enabled, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalStateException(
          name
              + " is still enabled ("
              + enabled
              + " exists): run 'sudo systemctl disable --now "
              + name
              + "' first, then uninstall again");
    }
    try {
      Files.delete(file);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot remove " + file + ": permission denied; run it with sudo", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Removed " + file);
    out.println("Let systemd forget it with: sudo systemctl daemon-reload");
    return 0;
  }
}
