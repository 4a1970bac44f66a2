package io.cuttle.dist;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Prints a script that completes cuttle's commands and options. Picocli writes one bash script; zsh
 * runs the same script through its bashcompinit, which the script loads itself when sourced in zsh,
 * so both shells get the same completions from one generator.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a shell completion script for cuttle: bash or zsh.",
      "Load it with 'source <(cuttle completion bash)' or save it to a completion folder "
          + "(the package installs it as /usr/share/bash-completion/completions/cuttle)."
    })
final class CompletionCommand implements Callable<Integer> {
  static final String SHELLS = "bash or zsh";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "The shell: " + SHELLS + ".")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("cuttle completion: no completion for '" + shell + "': choose " + SHELLS + ".");
      err.flush();
      return spec.exitCodeOnInvalidInput();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(script(spec.root().commandLine()));
    out.flush();
    return 0;
  }

  /** The completion script for the whole {@code cuttle} command tree. */
  static String script(CommandLine root) {
    String script = AutoComplete.bash("cuttle", root);
    return script.endsWith("\n") ? script : script + "\n";
  }
}
