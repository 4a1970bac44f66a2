package io.cuttle.dist;

import io.cuttle.tentacle.CheckStep;
import io.cuttle.tentacle.ConnectionCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Diagnoses this instance's path to its server step by step: name resolution, TCP, TLS,",
      "the server's identity, whether the name reaches the polling listener or the web app,",
      "and whether the server knows this tentacle. A failed step says what to ask for, and",
      "of whom. Exits 0 only if every step passed."
    })
final class TentacleCheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Override
  public Integer call() throws Exception {
    List<CheckStep> steps = ConnectionCheck.run(instance.home());
    PrintWriter out = spec.commandLine().getOut();
    int number = 1;
    for (CheckStep step : steps) {
      out.printf("%d. %-40s %s%n", number++, step.title(), step.passed() ? "ok" : "FAILED");
      out.println("   " + step.detail());
      if (!step.passed()) {
        out.println("   What to do: " + step.advice());
      }
    }
    boolean healthy = steps.stream().allMatch(CheckStep::passed);
    out.println(
        healthy
            ? "All checks passed: this tentacle can reach its server."
            : "The check stopped at the first failure; later steps depend on it.");
    out.flush();
    return healthy ? 0 : 1;
  }
}
