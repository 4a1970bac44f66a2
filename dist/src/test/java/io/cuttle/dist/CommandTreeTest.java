package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command refuses what it does not understand, with a message and a non-zero exit. */
class CommandTreeTest {

  @Test
  void noSubcommandTakesVersionAsTheProgramsVersion() {
    List<List<String>> paths = subcommandPaths();
    assertThat(paths).hasSizeGreaterThan(40);
    for (List<String> path : paths) {
      CommandLine.Model.OptionSpec own = command(path).getCommandSpec().findOption("--version");
      if (own != null) { // release create's version of the release
        assertThat(own.versionHelp()).as("%s --version", path).isFalse();
        continue;
      }
      Run run = cuttle(with(path, "--version", "1.0.0"));

      assertThat(run.exitCode()).as("%s --version: %s", path, run.err()).isEqualTo(2);
      assertThat(run.out()).as("%s --version", path).isEmpty();
      assertThat(run.err())
          .as("%s --version", path)
          .contains("--version")
          .contains("See 'cuttle " + String.join(" ", path) + " --help'.");
    }
  }

  @Test
  void noSubcommandWithoutParametersAcceptsAStrayValue() {
    int checked = 0;
    for (List<String> path : subcommandPaths()) {
      if (!command(path).getCommandSpec().positionalParameters().isEmpty()) {
        continue;
      }
      Run run = cuttle(with(path, "stray-value"));

      assertThat(run.exitCode()).as("%s stray-value: %s", path, run.err()).isEqualTo(2);
      assertThat(run.err()).as("%s stray-value", path).contains("'stray-value'");
      checked++;
    }
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void deployWithVersionInsteadOfReleaseSaysWhichOptionItMeant() {
    Run run =
        cuttle("deploy", "--project", "shop", "--version", "1.0.0", "--environment", "Production");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("'--version' is not an option here: did you mean --release?")
        .contains("See 'cuttle deploy --help'.");
  }

  @Test
  void aParseErrorPrintsTheErrorNotTheWholeUsage() {
    Run run = cuttle("deploy", "--project", "shop");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("cuttle deploy: Missing required options")
        .doesNotContain("Usage:")
        .contains("See 'cuttle deploy --help'.");
  }

  @Test
  void theProgramsVersionStaysOnTheTopLevelCommand() {
    Run run = cuttle("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("cuttle ");
  }

  private static String[] with(List<String> path, String... args) {
    return Stream.concat(path.stream(), Stream.of(args)).toArray(String[]::new);
  }

  private static CommandLine command(List<String> path) {
    CommandLine command = Cuttle.commandLine();
    for (String name : path) {
      command = command.getSubcommands().get(name);
    }
    return command;
  }

  private static List<List<String>> subcommandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(Cuttle.commandLine(), List.of(), paths);
    return paths;
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (name.equals("help")
                  || !name.equals(sub.getCommandName())) { // "help" prints help; skip aliases
                return;
              }
              List<String> subPath = new ArrayList<>(path);
              subPath.add(name);
              paths.add(subPath);
              collect(sub, subPath, paths);
            });
  }
}
