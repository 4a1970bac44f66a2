package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.EnvironmentView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "environment",
    mixinStandardHelpOptions = true,
    description =
        "Lists, creates, renames, orders and deletes environments (e.g. Dev, Test, Prod).",
    subcommands = {
      EnvironmentCommand.ListEnvironments.class,
      EnvironmentCommand.Create.class,
      EnvironmentCommand.Rename.class,
      EnvironmentCommand.Order.class,
      EnvironmentCommand.Delete.class
    })
final class EnvironmentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void print(PrintWriter out, List<EnvironmentView> environments) {
    environments.forEach(e -> out.println(e.position() + 1 + ". " + e.name()));
    out.flush();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Environments in order.")
  static final class ListEnvironments implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;
    @CommandLine.Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        List<EnvironmentView> environments = api.environments();
        if (!output.printedAsJson(spec.commandLine().getOut(), environments)) {
          print(spec.commandLine().getOut(), environments);
        }
        return 0;
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Adds an environment after the last one.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        EnvironmentView created = api.createEnvironment(name);
        spec.commandLine().getOut().println("Created environment " + created.name());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "rename",
      mixinStandardHelpOptions = true,
      description = "Renames an environment; its tentacles move with it.")
  static final class Rename implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "NEW_NAME")
    String newName;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        api.renameEnvironment(name, newName);
        spec.commandLine().getOut().println("Renamed environment " + name + " to " + newName);
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "order",
      mixinStandardHelpOptions = true,
      description = "Puts the environments in the order given; name every one of them.")
  static final class Order implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), api.reorderEnvironments(names));
        return 0;
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes an environment that no tentacle, variable or deployment uses.")
  static final class Delete implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        api.deleteEnvironment(name);
        spec.commandLine().getOut().println("Deleted environment " + name);
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }
}
