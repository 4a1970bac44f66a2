package io.cuttle.server.deploy;

import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.packages.PackageCoordinates;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.tasks.ScriptSyntax;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.DeployPackage;
import io.cuttle.wire.polling.v1.Isolation;
import io.cuttle.wire.polling.v1.RunScript;
import java.util.List;
import java.util.Map;

/**
 * A step that deploys a package on each target: the tentacle fetches, verifies and extracts it,
 * then runs the step's script, or else the package's own hooks, in the extracted folder.
 */
final class PackageStepCommands implements StepCommands {
  /** The package's own scripts, run in this order when present and the step has no script. */
  static final List<String> HOOKS = List.of("predeploy.sh", "deploy.sh", "postdeploy.sh");

  private final PackageStore packages;

  PackageStepCommands(PackageStore packages) {
    this.packages = packages;
  }

  @Override
  public String kind() {
    return ProcessRules.PACKAGE;
  }

  /** Pins the version asked for in {@code packageVersions}, or else the latest one pushed. */
  @Override
  public StepSpec pin(StepSpec step, Map<String, String> packageVersions) {
    String asked = packageVersions.get(step.packageId());
    PackageView chosen =
        asked == null ? latest(step) : stored(step, PackageCoordinates.of(step.packageId(), asked));
    return new StepSpec(
        step.name(),
        step.kind(),
        step.roles(),
        step.window(),
        step.syntax(),
        step.script(),
        step.packageId(),
        chosen.version(),
        step.timeoutSeconds());
  }

  private PackageView latest(StepSpec step) {
    return packages
        .latest(step.packageId())
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "step '"
                        + step.name()
                        + "': no version of package "
                        + step.packageId()
                        + " is stored; push one first (cuttle package push)"));
  }

  private PackageView stored(StepSpec step, PackageCoordinates coordinates) {
    return packages
        .find(coordinates)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "step '"
                        + step.name()
                        + "': no package "
                        + coordinates
                        + " is stored; push it first, or leave the version out to use the latest"));
  }

  @Override
  public void checkTargets(StepSpec step, List<TentacleRecord> targets) {
    packages.format(pinned(step)).requireCapableTargets(targets);
  }

  @Override
  public Command.Builder command(StepSpec step, Map<String, String> variables) {
    PackageView stored = pinned(step);
    return Command.newBuilder()
        .setDeployPackage(
            DeployPackage.newBuilder()
                .setPackageId(stored.id())
                .setVersion(stored.version())
                .setSha256(stored.sha256())
                .setSize(stored.sizeBytes())
                .setFormat(packages.format(stored).wire())
                .setScript(
                    script(step)
                        .putAllVariables(variables)
                        .putVariables("CUTTLE_PACKAGE_ID", stored.id())
                        .putVariables("CUTTLE_PACKAGE_VERSION", stored.version())))
        .setIsolation(Isolation.newBuilder().setAllowConcurrency(false));
  }

  /** The release's package, which must still be stored (deleting one a release uses is refused). */
  private PackageView pinned(StepSpec step) {
    PackageCoordinates coordinates = PackageCoordinates.of(step.packageId(), step.packageVersion());
    return packages
        .find(coordinates)
        .orElseThrow(
            () ->
                ApiException.conflict(
                    "step '"
                        + step.name()
                        + "': package "
                        + coordinates
                        + " of this release is no longer stored; push it again"));
  }

  private static RunScript.Builder script(StepSpec step) {
    long timeoutMillis = step.timeoutSeconds() == null ? 0 : step.timeoutSeconds() * 1000;
    if (step.script() != null && !step.script().isBlank()) {
      return RunScript.newBuilder()
          .setSyntax(ScriptSyntax.parse(step.syntax()))
          .setBody(step.script())
          .setTimeoutMillis(timeoutMillis);
    }
    return RunScript.newBuilder()
        .setSyntax(RunScript.Syntax.BASH)
        .setBody(hooksScript())
        .setTimeoutMillis(timeoutMillis);
  }

  /** Runs each hook the package has, in order, stopping at the first that fails. */
  private static String hooksScript() {
    String hooks = String.join(" ", HOOKS);
    return "ran=0\n"
        + "for hook in "
        + hooks
        + "; do\n"
        + "  if [ -f \"$hook\" ]; then\n"
        + "    echo \"Running $hook\"\n"
        + "    bash \"./$hook\" || { status=$?; echo \"$hook failed with exit code $status\" >&2;"
        + " exit $status; }\n"
        + "    ran=1\n"
        + "  fi\n"
        + "done\n"
        + "if [ \"$ran\" = 0 ]; then\n"
        + "  echo \"package $CUTTLE_PACKAGE_ID $CUTTLE_PACKAGE_VERSION has none of "
        + hooks
        + " at its top; add one, or give the step a script\" >&2\n"
        + "  exit 1\n"
        + "fi\n";
  }
}
