package io.cuttle.dist;

import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Changes how much a registered instance runs at once; stored in its tentacle.json. */
@Command(
    name = "configure",
    mixinStandardHelpOptions = true,
    description = {
      "Sets how many commands a registered instance runs at once and how many polls it holds "
          + "open.",
      "A running instance picks the change up when it is restarted."
    })
final class TentacleConfigureCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--max-concurrent-commands",
      paramLabel = "N",
      description =
          "Commands run at once, 1 to 64 (default 1). Only commands that allow concurrency run"
              + " beside others, and never two holding one mutex.")
  Integer maxConcurrentCommands;

  @Option(
      names = "--concurrent-polls",
      paramLabel = "N",
      description =
          "Polls held open at once on the one connection, 1 to 16 (default "
              + TentacleConfig.DEFAULT_CONCURRENT_POLLS
              + "), so a busy instance still collects new work and cancel requests promptly.")
  Integer concurrentPolls;

  @Override
  public Integer call() throws Exception {
    if (maxConcurrentCommands == null && concurrentPolls == null) {
      throw new IllegalArgumentException(
          "give --max-concurrent-commands N, --concurrent-polls N or both");
    }
    TentacleHome home = instance.home();
    TentacleConfig changed =
        TentacleConfig.load(home).withConcurrency(maxConcurrentCommands, concurrentPolls);
    changed.save(home);
    spec.commandLine()
        .getOut()
        .println(
            "Tentacle instance '"
                + instance.instance
                + "' now runs up to "
                + changed.commandSlots()
                + " command(s) at once with "
                + changed.pollCount()
                + " polls open. Restart it for a running instance to use this.");
    return 0;
  }
}
