package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.StepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = {
      "Manages projects and their deployment processes.",
      "A project is defined in a JSON file such as:",
      "  {\"name\": \"shop\", \"steps\": [",
      "    {\"name\": \"migrate\", \"roles\": [\"db\"], \"script\": \"./migrate.sh\"},",
      "    {\"name\": \"web\", \"roles\": [\"web\"], \"window\": 1, \"script\": \"./deploy.sh\"}]}"
    },
    subcommands = {
      ProjectCommand.ListProjects.class,
      ProjectCommand.Show.class,
      ProjectCommand.Create.class,
      ProjectCommand.Update.class,
      ProjectCommand.Delete.class,
      ProjectVariableCommand.class
    })
final class ProjectCommand extends CommandGroup {
  static void print(PrintWriter out, ProjectView project) {
    out.println(
        "Project "
            + project.name()
            + (project.description() == null ? "" : ": " + project.description()));
    for (int i = 0; i < project.steps().size(); i++) {
      StepSpec step = project.steps().get(i);
      out.println(
          "  "
              + (i + 1)
              + ". "
              + step.name()
              + " ("
              + step.kind()
              + (step.roles().isEmpty() ? ", every target" : ", roles " + step.roles())
              + (step.window() == null ? "" : ", " + step.window() + " at a time")
              + ")");
    }
    out.flush();
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Every project.")
  static final class ListProjects extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<ProjectView> projects = api.projects();
      if (!output.printedAsJson(out, projects)) {
        projects.forEach(p -> print(out, p));
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "A project's process.")
  static final class Show extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.project(name));
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a project from its definition file.")
  static final class Create extends FromDefinitionFile {
    @Override
    ProjectView send(ApiClient api, ProjectRequest request) {
      return api.createProject(request);
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Replaces a project's definition; releases made before keep theirs.")
  static final class Update extends FromDefinitionFile {
    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    ProjectView send(ApiClient api, ProjectRequest request) {
      return api.replaceProject(name, request);
    }
  }

  /**
   * Create and update: the definition file is read and checked before the server is called, and a
   * refusal of its content points at the place in the file it names.
   */
  abstract static class FromDefinitionFile implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Option(names = "--file", required = true, description = "The project definition (JSON).")
    Path file;

    /** Sends the definition and returns the project as the server stored it. */
    abstract ProjectView send(ApiClient api, ProjectRequest request);

    @Override
    public Integer call() throws IOException {
      ProcessFile process = ProcessFile.read(file);
      ProjectRequest request = process.request();
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), send(api, request));
        return 0;
      } catch (ApiException refused) {
        throw process.located(refused);
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a project that has no releases.")
  static final class Delete extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    void run(ApiClient api, PrintWriter out) {
      api.deleteProject(name);
      out.println("Deleted project " + name);
    }
  }
}
