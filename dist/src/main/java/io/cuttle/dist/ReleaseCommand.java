package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.ReleaseView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = "Releases: a project's process and variables fixed under a version.",
    subcommands = {ReleaseCommand.Create.class, ReleaseCommand.ListReleases.class})
final class ReleaseCommand extends CommandGroup {
  static void print(PrintWriter out, ReleaseView release) {
    out.println(
        "Release "
            + release.version()
            + " of "
            + release.project()
            + ": "
            + release.steps().size()
            + " step(s), "
            + release.variables().size()
            + " variable(s), created "
            + Instant.ofEpochMilli(release.createdMillis())
            + " by "
            + release.createdBy());
    release.steps().stream()
        .filter(step -> step.packageVersion() != null)
        .forEach(
            step ->
                out.println(
                    "  step "
                        + step.name()
                        + " deploys "
                        + step.packageId()
                        + " "
                        + step.packageVersion()));
    out.flush();
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Snapshots the project's process and variables as they are now.")
  static final class Create extends ApiCommand {
    @Option(names = "--project", required = true)
    String project;

    @Option(names = "--version", required = true, description = "e.g. 1.4.0; once per project.")
    String version;

    @Option(
        names = "--package",
        paramLabel = "ID=VERSION",
        description =
            "The version of a package the process deploys (repeatable); default: the version"
                + " pushed most recently.")
    Map<String, String> packages = Map.of();

    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.createRelease(project, new CreateReleaseRequest(version, packages)));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Newest first.")
  static final class ListReleases extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Option(names = "--project", required = true)
    String project;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<ReleaseView> releases = api.releases(project);
      if (!output.printedAsJson(out, releases)) {
        releases.forEach(r -> print(out, r));
      }
    }
  }
}
