package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.common.text.TerminalText;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = "Acts on tasks already started.",
    subcommands = {TaskCommand.Watch.class, TaskCommand.Cancel.class, TaskCommand.Retry.class})
final class TaskCommand extends CommandGroup {
  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = {
        "Follows a task already started to its end, printing its whole log and each target's"
            + " outcome.",
        "Exits 0 only if every target succeeded, as script and deploy --watch do."
      })
  static final class Watch implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOptions server;

    @CommandLine.Mixin FollowOptions follow;

    @Parameters(arity = "1", paramLabel = "TASK_ID", description = "The task, e.g. K-...")
    String taskId;

    @Override
    public Integer call() throws InterruptedException {
      try (ApiClient api = server.connect()) {
        return follow.toEnd(api, api.task(taskId), spec);
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Cancels every target of a task that has not finished: queued ones at once, running ones "
            + "as soon as their tentacle has killed the script and everything it started."
      })
  static final class Cancel extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "TASK_ID", description = "The task, e.g. K-...")
    String taskId;

    @Override
    void run(ApiClient api, PrintWriter out) {
      TaskView task = api.cancel(taskId);
      out.println("Task " + task.id() + ": " + task.state());
      for (TargetView target : task.targets()) {
        out.println(
            "  "
                + TerminalText.field(target.tentacleName())
                + "  "
                + (target.state().finished()
                    ? TaskPrinter.outcome(target)
                    : target.state() + ": " + TerminalText.field(target.message())));
      }
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = {
        "Runs a deployment's failed target again, then the rest of the deployment after it."
      })
  static final class Retry implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The deployment's task, K-...")
    String taskId;

    @Parameters(
        index = "1",
        paramLabel = "TARGET",
        description = "The failed target: its tentacle name, or its command id.")
    String target;

    @Option(names = "--watch", description = "Follow the deployment to its end.")
    boolean watch;

    @CommandLine.Mixin FollowOptions follow;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (ApiClient api = server.connect()) {
        TaskView task = api.retry(taskId, target);
        if (!watch) {
          out.println("Task " + task.id() + ": " + task.state());
          out.flush();
          return 0;
        }
        return follow.toEnd(api, task, spec);
      }
    }
  }
}
