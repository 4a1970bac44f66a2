package io.cuttle.dist;

import io.cuttle.dist.settings.SettingException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line that cannot be parsed prints what is wrong, a "did you mean" where one is known,
 * and where to find the command's help, then exits 2. Picocli's default prints the whole usage
 * after the error, which buries the one line that matters.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  /** Options a user brings from another command, and the option this command uses instead. */
  private static final Map<String, String> MISTAKEN_OPTIONS = Map.of("--version", "--release");

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    CommandSpec spec = commandLine.getCommandSpec();
    PrintWriter err = commandLine.getErr();
    // Picocli starts some messages (a mutually exclusive option, a missing group) with "Error: ";
    // the command's name already says that this line is the error.
    err.println(spec.qualifiedName() + ": " + e.getMessage().replaceFirst("^Error: ", ""));
    if (e instanceof SettingException) {
      // A setting from the environment or a file: the one sentence names it; the help would not.
      err.flush();
      return spec.exitCodeOnInvalidInput();
    }
    // Picocli checks required options before it reports unknown arguments: name those too, since
    // an unknown one is often the required option mistyped.
    List<String> unmatched = commandLine.getUnmatchedArguments();
    if (!(e instanceof UnmatchedArgumentException) && !unmatched.isEmpty()) {
      err.println(
          "Not understood: "
              + unmatched.stream().map(arg -> "'" + arg + "'").collect(Collectors.joining(", ")));
    }
    mistakenOption(spec, args).ifPresent(err::println);
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + spec.qualifiedName() + " --help'.");
    err.flush();
    return spec.exitCodeOnInvalidInput();
  }

  private static Optional<String> mistakenOption(CommandSpec spec, String[] args) {
    return Arrays.stream(args)
        .map(arg -> arg.split("=", 2)[0])
        .filter(MISTAKEN_OPTIONS::containsKey)
        .filter(arg -> spec.findOption(arg) == null)
        .filter(arg -> spec.findOption(MISTAKEN_OPTIONS.get(arg)) != null)
        .findFirst()
        .map(
            arg ->
                "'"
                    + arg
                    + "' is not an option here: did you mean "
                    + MISTAKEN_OPTIONS.get(arg)
                    + "?");
  }
}
