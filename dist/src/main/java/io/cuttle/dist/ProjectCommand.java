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
final class ProjectCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

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
  static final class ListProjects implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;
    @CommandLine.Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        List<ProjectView> projects = api.projects();
        if (!output.printedAsJson(spec.commandLine().getOut(), projects)) {
          projects.forEach(p -> print(spec.commandLine().getOut(), p));
        }
        return 0;
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "A project's process.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), api.project(name));
        return 0;
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a project from its definition file.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Option(names = "--file", required = true, description = "The project definition (JSON).")
    Path file;

    @Override
    public Integer call() throws IOException {
      ProcessFile process = ProcessFile.read(file);
      ProjectRequest request = process.request();
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), api.createProject(request));
        return 0;
      } catch (ApiException refused) {
        throw process.located(refused);
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Replaces a project's definition; releases made before keep theirs.")
  static final class Update implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Option(names = "--file", required = true, description = "The project definition (JSON).")
    Path file;

    @Override
    public Integer call() throws IOException {
      ProcessFile process = ProcessFile.read(file);
      ProjectRequest request = process.request();
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), api.replaceProject(name, request));
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
  static final class Delete implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        api.deleteProject(name);
        spec.commandLine().getOut().println("Deleted project " + name);
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }
}
