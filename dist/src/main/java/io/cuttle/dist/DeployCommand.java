package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploys a project's release to an environment: each step runs on the environment's "
          + "tentacles with its roles, a step after the previous one succeeded everywhere.",
      "With --watch, prints the log as it arrives and exits 0 only if the deployment succeeded."
    })
final class DeployCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin ServerOptions server;

  @Option(names = "--project", required = true)
  String project;

  @Option(names = "--release", required = true, description = "The release version.")
  String release;

  @Option(names = "--environment", required = true)
  String environment;

  @Option(names = "--watch", description = "Follow the deployment to its end.")
  boolean watch;

  @CommandLine.Mixin FollowOptions follow;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (ApiClient api = server.connect()) {
      DeploymentView deployment = api.deploy(new DeployRequest(project, release, environment));
      out.println(
          "Deployment "
              + deployment.id()
              + " of "
              + deployment.project()
              + " "
              + deployment.release()
              + " to "
              + deployment.environment()
              + " runs as task "
              + deployment.taskId());
      out.flush();
      if (!watch) {
        return 0;
      }
      return follow.toEnd(api, api.task(deployment.taskId()), spec);
    }
  }
}
