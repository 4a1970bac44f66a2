package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.PackageView;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "package",
    mixinStandardHelpOptions = true,
    description = "Pushes, lists, deletes and deploys packages, which are zip or tar.gz files.",
    subcommands = {
      PackageCommand.Push.class,
      PackageCommand.ListPackages.class,
      PackageCommand.Delete.class,
      PackageCommand.Deploy.class
    })
final class PackageCommand extends CommandGroup {
  static String describe(PackageView p) {
    return p.id()
        + " "
        + p.version()
        + "  "
        + p.format()
        + "  "
        + p.sizeBytes()
        + " bytes  sha256 "
        + p.sha256()
        + "  pushed "
        + Instant.ofEpochMilli(p.uploadedMillis())
        + " by "
        + p.uploadedBy();
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Uploads a package file, zip or tar.gz, to the server.",
        "Its id and version come from --id and --version, or from the file's name.",
        "For example, Acme.Web.1.2.0.zip is id Acme.Web, version 1.2.0.",
        "Pushing the same file again is harmless; other content under a version already pushed"
            + " is refused."
      })
  static final class Push implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOptions server;

    @Option(names = "--id", description = "The package id, e.g. Acme.Web.")
    String id;

    @Option(names = "--version", description = "The package version, e.g. 1.2.0.")
    String version;

    @Parameters(arity = "1", paramLabel = "FILE", description = "A .zip or .tar.gz file.")
    Path file;

    @Override
    public Integer call() {
      if ((id == null) != (version == null)) {
        throw new IllegalArgumentException(
            "give both --id and --version, or neither to read them from the file name");
      }
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("FILE: '" + file + "' is not a file");
      }
      try (ApiClient api = server.connect()) {
        PackageView pushed = api.pushPackage(file, id, version);
        spec.commandLine().getOut().println("Pushed " + describe(pushed));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists stored packages.")
  static final class ListPackages extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<PackageView> packages = api.packages();
      if (output.printedAsJson(out, packages)) {
        return;
      }
      if (packages.isEmpty()) {
        out.println("No packages; push one with 'cuttle package push FILE'");
      }
      packages.forEach(p -> out.println(describe(p)));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a package; refused while something still uses it.")
  static final class Delete extends ApiCommand {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Override
    void run(ApiClient api, PrintWriter out) {
      PackageView deleted = api.deletePackage(id, version);
      out.println("Deleted " + deleted.id() + " " + deleted.version());
    }
  }

  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description = {
        "Deploys a package to every matching tentacle: each fetches it (or takes it from its "
            + "cache), checks its SHA-256, extracts it and runs SCRIPT in the extracted folder, or the "
            + "package's deploy.sh when no SCRIPT is given.",
        "Prints each target's output as it arrives; exits 0 only if it succeeded on all of them."
      })
  static final class Deploy implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOptions server;

    @CommandLine.Mixin TargetFilter targets;

    @CommandLine.Mixin FollowOptions follow;

    @Option(
        names = "--syntax",
        description = "Of SCRIPT: bash, sh, python or powershell (default: bash).")
    String syntax;

    @Option(
        names = "--pickup-timeout",
        paramLabel = "SECONDS",
        description = "Seconds an offline tentacle has to collect the deployment (default: 600).")
    Long pickupTimeoutSeconds;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "Seconds the script may run on each tentacle (default: the tentacle's).")
    Long timeoutSeconds;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "SCRIPT",
        description = "Run in the extracted folder instead of the package's deploy.sh.")
    String script;

    @Override
    public Integer call() throws Exception {
      try (ApiClient api = server.connect()) {
        var task =
            api.deployPackage(
                new DeployPackageRequest(
                    id,
                    version,
                    script,
                    syntax,
                    targets.environment,
                    targets.roles,
                    targets.tentacles,
                    pickupTimeoutSeconds,
                    timeoutSeconds,
                    null,
                    null));
        return follow.toEnd(api, task, spec);
      }
    }
  }
}
