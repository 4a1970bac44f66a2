package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.EnvironmentView;
import java.io.PrintWriter;
import java.util.List;
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
final class EnvironmentCommand extends CommandGroup {
  static void print(PrintWriter out, List<EnvironmentView> environments) {
    environments.forEach(e -> out.println(e.position() + 1 + ". " + e.name()));
    out.flush();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Environments in order.")
  static final class ListEnvironments extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<EnvironmentView> environments = api.environments();
      if (!output.printedAsJson(out, environments)) {
        print(out, environments);
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Adds an environment after the last one.")
  static final class Create extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    void run(ApiClient api, PrintWriter out) {
      EnvironmentView created = api.createEnvironment(name);
      out.println("Created environment " + created.name());
    }
  }

  @Command(
      name = "rename",
      mixinStandardHelpOptions = true,
      description = "Renames an environment; its tentacles move with it.")
  static final class Rename extends ApiCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "NEW_NAME")
    String newName;

    @Override
    void run(ApiClient api, PrintWriter out) {
      api.renameEnvironment(name, newName);
      out.println("Renamed environment " + name + " to " + newName);
    }
  }

  @Command(
      name = "order",
      mixinStandardHelpOptions = true,
      description = "Puts the environments in the order given; name every one of them.")
  static final class Order extends ApiCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.reorderEnvironments(names));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes an environment that no tentacle, variable or deployment uses.")
  static final class Delete extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    void run(ApiClient api, PrintWriter out) {
      api.deleteEnvironment(name);
      out.println("Deleted environment " + name);
    }
  }
}
