package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's help, rendered at 80 columns as a terminal shows it: each summary (the line in
 * its parent's list of commands) is one whole sentence, no description is cut into lines by hand
 * mid-sentence, and no line ends in the middle of a word.
 */
class HelpTextTest {
  private static final int WIDTH = 80;
  // A line of a description ends a sentence; a colon or a parenthesis only where an indented
  // example
  // follows, which checkLines lets through before it asks ("(default:" / "HAProxy)" were cut
  // lines).
  private static final Pattern SENTENCE_END = Pattern.compile(".*[.?!]$");

  @Test
  void everySummaryIsOneWholeSentence() {
    List<String> wrong = new ArrayList<>();
    for (CommandLine command : allCommands()) {
      // The list of commands shows a command's header when it has one (picocli's own help
      // command), its description's first line otherwise.
      CommandLine.Model.UsageMessageSpec usage = command.getCommandSpec().usageMessage();
      String[] description = usage.header().length > 0 ? usage.header() : usage.description();
      String name = command.getCommandSpec().qualifiedName();
      if (description.length == 0 || description[0].isBlank()) {
        wrong.add(name + ": no summary");
        continue;
      }
      String summary = description[0];
      String inside = summary.replace("e.g.", "eg").replace("i.e.", "ie");
      if (!summary.endsWith(".")
          || !Character.isUpperCase(summary.charAt(0))
          || inside.substring(0, inside.length() - 1).contains(". ")) {
        wrong.add(name + ": '" + summary + "'");
      }
    }
    assertThat(wrong).as("summaries that are not one whole sentence").isEmpty();
  }

  @Test
  void noDescriptionIsCutMidSentence() {
    List<String> wrong = new ArrayList<>();
    for (CommandLine command : allCommands()) {
      CommandSpec spec = command.getCommandSpec();
      checkLines(spec.qualifiedName(), spec.usageMessage().description(), wrong);
      for (OptionSpec option : spec.options()) {
        checkLines(spec.qualifiedName() + " " + option.longestName(), option.description(), wrong);
      }
      spec.positionalParameters()
          .forEach(
              p -> checkLines(spec.qualifiedName() + " " + p.paramLabel(), p.description(), wrong));
    }
    assertThat(wrong).as("descriptions hard-wrapped mid-sentence").isEmpty();
  }

  /** Every line but the last must end a sentence (or introduce an indented example). */
  private static void checkLines(String where, String[] lines, List<String> wrong) {
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.isBlank() || line.startsWith(" ") || lines[i + 1].startsWith(" ")) {
        continue;
      }
      if (!SENTENCE_END.matcher(line).matches()) {
        wrong.add(where + ": '" + line + "' / '" + lines[i + 1] + "'");
      }
    }
  }

  @Test
  void everyHelpFitsEightyColumnsAndNoLineEndsMidWord() {
    assertThat(Cuttle.commandLine().getUsageHelpWidth()).isEqualTo(WIDTH);
    Set<String> words = new HashSet<>();
    for (CommandLine command : allCommands()) {
      descriptions(command.getCommandSpec())
          .flatMap(text -> Arrays.stream(text.split("\\s+")))
          .forEach(words::add);
    }
    List<String> wrong = new ArrayList<>();
    for (CommandLine command : allCommands()) {
      String help = command.getUsageMessage();
      List<String> lines = help.lines().toList();
      String name = command.getCommandSpec().qualifiedName();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.length() > WIDTH) {
          wrong.add(name + ": longer than " + WIDTH + ": '" + line + "'");
        }
        if (i + 1 < lines.size() && !line.endsWith(" ") && !lines.get(i + 1).isBlank()) {
          String[] here = line.trim().split("\\s+");
          String last = here[here.length - 1];
          String first = lines.get(i + 1).trim().split("\\s+")[0];
          String joined = last + first;
          if (!words.contains(last) && words.stream().anyMatch(w -> w.contains(joined))) {
            wrong.add(
                name + ": a word cut at a line end: '" + line + "' / '" + lines.get(i + 1) + "'");
          }
        }
      }
    }
    assertThat(wrong).as("help lines").isEmpty();
  }

  @Test
  void aMutuallyExclusiveOptionPrintsTheOneRelevantLineAndWhereTheHelpIs() {
    Run run =
        cuttle(
            "tentacle",
            "register",
            "--instance",
            "a",
            "--server",
            "https://localhost:1",
            "--name",
            "a",
            "--environment",
            "Test",
            "--role",
            "web",
            "--comms-address",
            "https://polling.localhost:1",
            "--comms-port",
            "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "cuttle tentacle register: --comms-address=<address>, --comms-port=<port> are"
                + " mutually exclusive (specify only one)",
            "See 'cuttle tentacle register --help'.");
    assertThat(run.out()).isEmpty();
  }

  private static Stream<String> descriptions(CommandSpec spec) {
    return Stream.concat(
        Stream.concat(
            Arrays.stream(spec.usageMessage().description()),
            spec.options().stream().flatMap(o -> Arrays.stream(o.description()))),
        spec.positionalParameters().stream().flatMap(p -> Arrays.stream(p.description())));
  }

  private static List<CommandLine> allCommands() {
    List<CommandLine> all = new ArrayList<>();
    collect(Cuttle.commandLine(), all);
    return all;
  }

  private static void collect(CommandLine command, List<CommandLine> all) {
    all.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, all));
  }
}
