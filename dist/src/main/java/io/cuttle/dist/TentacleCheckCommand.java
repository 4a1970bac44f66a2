package io.cuttle.dist;

import io.cuttle.tentacle.CheckStep;
import io.cuttle.tentacle.ConnectionCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Diagnoses this instance's path to each of its servers step by step: name resolution, "
          + "TCP, TLS, the server's identity, whether the name reaches the polling listener or the "
          + "web app, and whether the server knows this tentacle.",
      "A failed step says what to ask for, and of whom. Exits 0 only if every step passed for "
          + "every server checked."
    })
final class TentacleCheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--server",
      description = "Check only this server (its web URL) of the ones the instance polls.")
  String serverUrl;

  @Override
  public Integer call() throws Exception {
    List<ConnectionCheck.ServerCheck> checks = ConnectionCheck.run(instance.home(), serverUrl);
    PrintWriter out = spec.commandLine().getOut();
    for (ConnectionCheck.ServerCheck check : checks) {
      if (checks.size() > 1) {
        out.println("Server " + check.serverUrl() + ":");
      }
      print(out, check);
    }
    out.flush();
    return checks.stream().allMatch(ConnectionCheck.ServerCheck::passed) ? 0 : 1;
  }

  private static void print(PrintWriter out, ConnectionCheck.ServerCheck check) {
    int number = 1;
    for (CheckStep step : check.steps()) {
      out.printf("%d. %-40s %s%n", number++, step.title(), step.passed() ? "ok" : "FAILED");
      out.println("   " + step.detail());
      if (!step.passed()) {
        out.println("   What to do: " + step.advice());
      }
    }
    out.println(
        check.passed()
            ? "All checks passed: this tentacle can reach " + check.serverUrl() + "."
            : "The check stopped at the first failure; later steps depend on it.");
  }
}
