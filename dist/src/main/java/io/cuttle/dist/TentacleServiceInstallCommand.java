package io.cuttle.dist;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.TentacleHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a systemd unit that runs 'tentacle run' for this instance and restarts it "
          + "whenever it stops.",
      "Prints the systemctl commands that start it; runs none."
    })
final class TentacleServiceInstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;
  @CommandLine.Mixin TentacleServiceCommand.UnitDirOption unitDir;

  @Option(
      names = "--user",
      description = "User the service runs as (default: the user running this command).")
  String user;

  @Option(
      names = "--jar",
      description = "The cuttle jar the service runs (default: the jar running this command).")
  Path jar;

  @Option(
      names = "--cuttle-home",
      defaultValue = "${env:CUTTLE_HOME}",
      description = "CUTTLE_HOME for the service (default: this shell's CUTTLE_HOME, if set).")
  String cuttleHome;

  @Option(
      names = "--read-write-path",
      paramLabel = "DIR",
      description = {
        "A folder the service's scripts may write to, e.g. where they deploy (repeatable); the "
            + "unit makes every other folder but the instances' read-only."
      })
  List<Path> readWritePaths = List.of();

  @Override
  public Integer call() throws Exception {
    String cuttleHomeDir = instance.base == null ? blankToNull(cuttleHome) : null;
    // The service resolves the instance exactly as checked here: by CUTTLE_HOME when that is
    // how it is found, otherwise by an absolute --home, since the service's user may have
    // another home folder than the user installing it.
    Path base =
        instance.base != null
            ? instance.base.toAbsolutePath()
            : cuttleHomeDir != null
                ? Path.of(cuttleHomeDir, "tentacles").toAbsolutePath()
                : Path.of(System.getProperty("user.home"), ".cuttle", "tentacles");
    TentacleHome home = TentacleHome.of(instance.instance, base);
    // Fail here rather than in a restart loop under systemd.
    Instances.thumbprint(home);
    Path jarFile = jar != null ? jar.toAbsolutePath() : runningJar();
    if (!Files.isRegularFile(jarFile)) {
      throw new IllegalArgumentException("--jar: '" + jarFile + "' is not a file");
    }
    String serviceUser = user != null ? user : System.getProperty("user.name");
    SystemdUnit unit =
        new SystemdUnit(
            home.instance(),
            serviceUser,
            Path.of(System.getProperty("java.home"), "bin", "java"),
            jarFile,
            cuttleHomeDir == null ? base : null,
            cuttleHomeDir,
            base,
            readWritePaths.stream().map(path -> path.toAbsolutePath().normalize()).toList());
    if (!Files.isDirectory(unitDir.unitDir)) {
      throw new IllegalArgumentException(
          "--unit-dir: '" + unitDir.unitDir + "' is not a folder (is systemd installed?)");
    }
    Path file = unitDir.unitDir.resolve(unit.fileName());
    boolean existed = Files.exists(file);
    try {
      AtomicFiles.write(file, unit.content().getBytes(StandardCharsets.UTF_8));
    } catch (AccessDeniedException e) {
      throw new IOException(
          "cannot write " + file + ": permission denied; run it with sudo, or pass --unit-dir", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println((existed ? "Updated " : "Wrote ") + file);
    String owner = Files.getOwner(home.directory()).getName();
    if (!owner.equals(serviceUser)) {
      // The home is owner-only, so the service could not read its own key.
      out.println(
          "Warning: "
              + home.directory()
              + " belongs to "
              + owner
              + ", but the service runs as "
              + serviceUser
              + ": run 'sudo chown -R "
              + serviceUser
              + " "
              + home.directory()
              + "' or pass --user "
              + owner);
    }
    out.println(
        "Its scripts may write only to "
            + String.join(
                ", ",
                Stream.concat(Stream.of(base), unit.readWritePaths().stream())
                    .map(Path::toString)
                    .toList())
            + " (ProtectSystem=strict); add --read-write-path DIR for each folder they deploy to.");
    out.println("Start it now and at every boot with:");
    out.println("  sudo systemctl daemon-reload");
    out.println("  sudo systemctl " + (existed ? "restart " : "enable --now ") + unit.fileName());
    out.println("Follow its log with: journalctl -u " + unit.fileName() + " -f");
    return 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Path runningJar() {
    try {
      Path location =
          Path.of(Cuttle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
        return location.toAbsolutePath();
      }
      throw new IllegalArgumentException(
          "cannot tell which jar to run: this command is running from "
              + location
              + ", not a jar; pass --jar PATH (e.g. dist/target/cuttle.jar)");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot tell which jar to run; pass --jar PATH", e);
    }
  }
}
