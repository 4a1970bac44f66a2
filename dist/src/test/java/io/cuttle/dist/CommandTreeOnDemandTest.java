package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ExternalProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A call builds only the top-level command it names (start-up time, issue 19 item 12), and that
 * command behaves exactly as in the whole tree; the calls that need every command still get them.
 */
class CommandTreeOnDemandTest {
  @TempDir Path folder;

  @Test
  void aCallNamingACommandBuildsThatCommandOnly() {
    assertThat(Cuttle.commandLine("fleet", "list", "--api-key", "k").getSubcommands())
        .containsOnlyKeys("fleet");
    assertThat(Cuttle.commandLine("tentacle", "check").getSubcommands())
        .containsOnlyKeys("tentacle");
  }

  @Test
  void eachNameInTheTableIsItsCommandsOwn() {
    assertThat(Cuttle.COMMANDS).hasSize(Cuttle.commandLine().getSubcommands().size());
    for (Map.Entry<String, Class<?>> command : Cuttle.COMMANDS) {
      assertThat(command.getValue().getAnnotation(CommandLine.Command.class).name())
          .isEqualTo(command.getKey());
      var built = Cuttle.commandLine(command.getKey()).getSubcommands();
      if (Cuttle.WHOLE_TREE.contains(command.getKey())) {
        assertThat(built).hasSize(Cuttle.COMMANDS.size());
      } else {
        assertThat(built).containsOnlyKeys(command.getKey());
      }
    }
  }

  @Test
  void theHelpTheHelpCommandAndAMisspeltCommandGetEveryCommand() {
    int all = Cuttle.commandLine().getSubcommands().size();
    assertThat(all).isGreaterThan(15);
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"help", "fleet"},
            new String[] {"flet", "list"},
            new String[] {"--version"})) {
      assertThat(Cuttle.commandLine(args).getSubcommands()).as(String.join(" ", args)).hasSize(all);
    }
  }

  @Test
  void everyCommandHasTheSameHelpAndOptionsWhenBuiltAlone() {
    List<List<String>> paths = new ArrayList<>();
    collect(Cuttle.commandLine(), List.of(), paths);
    assertThat(paths).hasSizeGreaterThan(40);
    for (List<String> path : paths) {
      CommandLine whole = find(Cuttle.commandLine(), path);
      CommandLine alone = find(Cuttle.commandLine(path.toArray(String[]::new)), path);

      assertThat(usage(alone)).as("%s --help", path).isEqualTo(usage(whole));
      assertThat(alone.getCommandSpec().qualifiedName())
          .isEqualTo(whole.getCommandSpec().qualifiedName());
      assertThat(alone.getCommandSpec().findOption("--version"))
          .as("%s keeps no program --version", path)
          .matches(o -> o == null || !o.versionHelp());
    }
  }

  @Test
  void aMisspeltCommandStillGetsItsSuggestion() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Cuttle.commandLine("flet", "list");
    commandLine.setErr(new PrintWriter(err));

    int code = commandLine.execute("flet", "list");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("fleet").contains("See 'cuttle --help'.");
  }

  @Test
  void aClientCallLoadsNeitherTheServerNorTheOtherCommands() throws Exception {
    Path classes = folder.resolve("classes.txt");
    Path output = folder.resolve("output.txt");
    try (ExternalProcess call =
        ExternalProcess.java(
            "fleet list",
            output,
            "256m",
            List.of("-Xlog:class+load=info:file=" + classes),
            Cuttle.class,
            List.of("fleet", "list", "--server", "https://127.0.0.1:1", "--api-key", "k"))) {
      assertThat(call.handle().onExit().get(2, TimeUnit.MINUTES).isAlive()).isFalse();
    }
    String loaded = Files.readString(classes);
    assertThat(Files.readString(output)).contains("could not reach the server");
    assertThat(loaded).contains(" io.cuttle.dist.FleetCommand$ListTentacles ");
    assertThat(loaded)
        .doesNotContain(" io.cuttle.server.CuttleServer ")
        .doesNotContain(" io.cuttle.router.RouterServer ")
        .doesNotContain(" io.cuttle.dist.UserCommand$Create ")
        .doesNotContain(" io.cuttle.dist.TentacleCommand$Register ");
  }

  private static String usage(CommandLine command) {
    StringWriter text = new StringWriter();
    command.usage(new PrintWriter(text));
    return text.toString();
  }

  private static CommandLine find(CommandLine root, List<String> path) {
    CommandLine command = root;
    for (String name : path) {
      command = command.getSubcommands().get(name);
    }
    return command;
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals(sub.getCommandName())) {
                return; // an alias
              }
              List<String> subPath = new ArrayList<>(path);
              subPath.add(name);
              paths.add(subPath);
              collect(sub, subPath, paths);
            });
  }
}
