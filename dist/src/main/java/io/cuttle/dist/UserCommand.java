package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.UserView;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manages the people who sign in to the server (admin only).",
    subcommands = {
      UserCommand.ListUsers.class,
      UserCommand.Create.class,
      UserCommand.SetPassword.class,
      UserCommand.SetRole.class,
      UserCommand.Disable.class,
      UserCommand.Enable.class,
      UserCommand.DeleteUser.class
    })
final class UserCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where a new password comes from: a file's first line, or typed at a prompt. */
  static final class PasswordSource {
    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = {
          "Read the password from this file's first line. Without it the password is asked for at "
              + "the terminal; it is never taken on the command line, where others could see it."
        })
    Path file;

    String read(String prompt) throws IOException {
      if (file != null) {
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(
              "--password-file " + file + ": no such file; give a file holding the password");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
          throw new IllegalArgumentException(
              "--password-file " + file + ": the first line is empty; put the password there");
        }
        return lines.get(0);
      }
      Console console = System.console();
      if (console == null) {
        throw new IllegalArgumentException(
            "no terminal to ask for the password on; give it with --password-file FILE");
      }
      char[] first = console.readPassword("%s: ", prompt);
      char[] again = console.readPassword("Again, to be sure: ");
      if (first == null || again == null || !String.valueOf(first).equals(String.valueOf(again))) {
        throw new IllegalArgumentException("the two passwords differ; nothing was changed");
      }
      return String.valueOf(first);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users.")
  static final class ListUsers implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;
    @CommandLine.Mixin OutputOptions output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ApiClient api = server.connect()) {
        List<UserView> users = api.users();
        if (output.printedAsJson(out, users)) {
          return 0;
        }
        int width = users.stream().mapToInt(u -> u.name().length()).max().orElse(0);
        for (UserView user : users) {
          out.printf(
              "%-" + width + "s  %-6s  created %s%s%s%n",
              user.name(),
              user.role(),
              Instant.ofEpochMilli(user.createdMillis()),
              user.disabledMillis() == null
                  ? ""
                  : "  DISABLED since " + Instant.ofEpochMilli(user.disabledMillis()),
              user.lockedUntilMillis() == null
                  ? ""
                  : "  locked until "
                      + Instant.ofEpochMilli(user.lockedUntilMillis())
                      + " after failed sign-ins");
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a user who signs in with a password.")
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;
    @CommandLine.Mixin PasswordSource password;

    @Parameters(arity = "1", paramLabel = "NAME", description = "The user's name.")
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "admin (may change anything) or viewer (may only look).")
    String role;

    @Override
    public Integer call() throws IOException {
      try (ApiClient api = server.connect()) {
        UserView user =
            api.createUser(
                new CreateUserRequest(name, password.read("Password for " + name), role));
        spec.commandLine()
            .getOut()
            .println("Created user " + user.name() + " (" + user.role() + ")");
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "set-password",
      mixinStandardHelpOptions = true,
      description = "Gives a user a new password, and lifts a lock from failed sign-ins.")
  static final class SetPassword implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;
    @CommandLine.Mixin PasswordSource password;

    @Parameters(arity = "1", paramLabel = "NAME", description = "The user.")
    String name;

    @Override
    public Integer call() throws IOException {
      try (ApiClient api = server.connect()) {
        api.setPassword(name, password.read("New password for " + name));
        spec.commandLine().getOut().println("Changed the password of " + name);
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "set-role",
      mixinStandardHelpOptions = true,
      description = {
        "Gives a user another role; their sessions and API keys act with it at once.",
        "The last enabled admin cannot be made a viewer."
      })
  static final class SetRole implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user.")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "ROLE",
        description = "admin (may change anything) or viewer (may only look).")
    String role;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        UserView user = api.setRole(name, role);
        spec.commandLine().getOut().println(user.name() + " is now " + user.role());
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = {
        "Stops a user signing in, ends their sessions and refuses their API keys at once.",
        "'cuttle user enable' lets them in again. The last enabled admin cannot be disabled."
      })
  static final class Disable extends OneUserChange {
    @Override
    String change(ApiClient api) {
      api.disableUser(name);
      return "Disabled "
          + name
          + ": their sessions ended and their API keys are refused until 'cuttle user enable "
          + name
          + "'";
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Lets a disabled user sign in again; their API keys work again.")
  static final class Enable extends OneUserChange {
    @Override
    String change(ApiClient api) {
      api.enableUser(name);
      return "Enabled " + name;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = {
        "Deletes a user for good: their sessions end and their API keys are revoked.",
        "The last enabled admin cannot be deleted."
      })
  static final class DeleteUser extends OneUserChange {
    @Override
    String change(ApiClient api) {
      api.deleteUser(name);
      return "Deleted " + name + "; their sessions ended and their API keys are revoked";
    }
  }

  /** A command that changes one named user and says what it did: disable, enable, delete. */
  abstract static class OneUserChange implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "1", paramLabel = "NAME", description = "The user.")
    String name;

    /** Makes the change and returns the line that says what changed. */
    abstract String change(ApiClient api);

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        spec.commandLine().getOut().println(change(api));
        spec.commandLine().getOut().flush();
        return 0;
      }
    }
  }
}
