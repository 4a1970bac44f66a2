package io.cuttle.dist;

import io.cuttle.tentacle.Instances;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "show-thumbprint",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the instance's thumbprint (SHA-256 of its certificate's public key), the same for "
          + "every server it polls."
    })
final class TentacleShowThumbprintCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Override
  public Integer call() throws Exception {
    // Only the thumbprint, so scripts can use $(cuttle tentacle show-thumbprint ...).
    spec.commandLine().getOut().println(Instances.thumbprint(instance.home()));
    return 0;
  }
}
