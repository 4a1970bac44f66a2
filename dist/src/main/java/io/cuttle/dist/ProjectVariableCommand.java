package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.VariableRequest;
import io.cuttle.wire.api.VariableView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "variable",
    mixinStandardHelpOptions = true,
    description = "A project's variables, which its scripts get as environment variables.",
    subcommands = {
      ProjectVariableCommand.ListVariables.class,
      ProjectVariableCommand.Add.class,
      ProjectVariableCommand.Delete.class
    })
final class ProjectVariableCommand extends CommandGroup {
  static String describe(VariableView v) {
    return v.id()
        + "  "
        + v.name()
        + "="
        + v.value()
        + (v.environment() == null ? "" : "  environment " + v.environment())
        + (v.role() == null ? "" : "  role " + v.role());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Sensitive values read ********.")
  static final class ListVariables extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Parameters(arity = "1", paramLabel = "PROJECT")
    String project;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<VariableView> variables = api.variables(project);
      if (!output.printedAsJson(out, variables)) {
        variables.forEach(v -> out.println(describe(v)));
      }
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Adds a variable, optionally scoped to an environment and/or a role.",
        "Where several apply to a target, the most specific wins: environment and role, then "
            + "role, then environment, then unscoped."
      })
  static final class Add implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "PROJECT")
    String project;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "VALUE",
        description = "The value (or use --value-from-env, which keeps it out of shell history).")
    String value;

    @Option(
        names = "--value-from-env",
        paramLabel = "VAR",
        description = "Take the value from this environment variable of this shell.")
    String valueFromEnv;

    @Option(names = "--sensitive", description = "Store encrypted, never show, mask in logs.")
    boolean sensitive;

    @Option(names = "--environment", description = "Only for deployments to this environment.")
    String environment;

    @Option(names = "--role", description = "Only for targets with this role.")
    String role;

    @Override
    public Integer call() {
      String resolved = value();
      try (ApiClient api = server.connect()) {
        VariableView added =
            api.addVariable(
                project, new VariableRequest(name, resolved, sensitive, environment, role));
        spec.commandLine().getOut().println("Added " + describe(added));
        spec.commandLine().getOut().flush();
        return 0;
      }
    }

    private String value() {
      if ((value == null) == (valueFromEnv == null)) {
        throw new IllegalArgumentException(
            "give either VALUE or --value-from-env, not both or none");
      }
      if (valueFromEnv == null) {
        return value;
      }
      String fromEnv = System.getenv(valueFromEnv);
      if (fromEnv == null) {
        throw new IllegalArgumentException(
            "--value-from-env: the environment variable " + valueFromEnv + " is not set");
      }
      return fromEnv;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a variable by id.")
  static final class Delete extends ApiCommand {
    @Parameters(index = "0", paramLabel = "PROJECT")
    String project;

    @Parameters(index = "1", paramLabel = "ID", description = "The variable's id, e.g. V-...")
    String id;

    @Override
    void run(ApiClient api, PrintWriter out) {
      api.deleteVariable(project, id);
      out.println("Deleted variable " + id);
    }
  }
}
