package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.RunScriptRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "script",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a script on every matching tentacle, printing each target's output as it arrives.",
      "Exits 0 only if it succeeded on all of them."
    })
final class ScriptCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ServerOptions server;

  @CommandLine.Mixin TargetFilter targets;

  @CommandLine.Mixin FollowOptions follow;

  @Option(
      names = "--syntax",
      description = "bash, sh, python or powershell (default: ${DEFAULT-VALUE}).",
      defaultValue = "bash")
  String syntax;

  @Option(
      names = "--pickup-timeout",
      description =
          "Seconds an offline tentacle has to collect the script before it fails (default: server's, 600).")
  Long pickupTimeoutSeconds;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "Seconds the script may run on each tentacle before it is killed with everything it"
              + " started (default: the tentacle's, 3600).")
  Long timeoutSeconds;

  @Option(
      names = "--allow-concurrency",
      description =
          "Let the script run beside other commands that allow it, on tentacles configured to run"
              + " more than one (default: it runs alone).")
  boolean allowConcurrency;

  @Option(
      names = "--mutex",
      paramLabel = "NAME",
      description = "Never run at once with another command naming this mutex on one tentacle.")
  String mutex;

  @Parameters(
      arity = "1",
      paramLabel = "SCRIPT",
      description = "The script body (put it after --).")
  String script;

  @Override
  public Integer call() throws Exception {
    try (ApiClient api = server.connect()) {
      var task =
          api.runScript(
              new RunScriptRequest(
                  script,
                  syntax,
                  targets.environment,
                  targets.roles,
                  targets.tentacles,
                  pickupTimeoutSeconds,
                  timeoutSeconds,
                  mutex,
                  allowConcurrency));
      return follow.toEnd(api, task, spec);
    }
  }
}
