package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.RunScript;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which program runs a script of each syntax, and whether this machine has it. The tentacle reports
 * what it can run as capabilities ({@code script:python}), so a missing interpreter shows on the
 * server before anything is sent, and a script sent anyway fails with words saying what to install.
 */
final class Interpreters {
  private Interpreters() {}

  /** The command line that runs {@code file}, or empty when the interpreter is not installed. */
  static Optional<List<String>> commandFor(RunScript.Syntax syntax, Path file) {
    return switch (syntax) {
      case SH -> Optional.of(List.of("sh", file.toString()));
      case PYTHON -> onPath("python3").map(python -> List.of(python, file.toString()));
      case POWERSHELL ->
          onPath("pwsh")
              .map(
                  pwsh -> List.of(pwsh, "-NoProfile", "-NonInteractive", "-File", file.toString()));
      default -> Optional.of(List.of("bash", file.toString()));
    };
  }

  /** The file name a script of {@code syntax} is written to; pwsh insists on the extension. */
  static String fileName(RunScript.Syntax syntax) {
    return switch (syntax) {
      case PYTHON -> "script.py";
      case POWERSHELL -> "script.ps1";
      default -> "script.sh";
    };
  }

  /** What a missing interpreter means for the person who sent the script. */
  static String missing(RunScript.Syntax syntax) {
    return syntax == RunScript.Syntax.POWERSHELL
        ? "this tentacle cannot run PowerShell scripts: pwsh is not installed here"
        : "this tentacle cannot run Python scripts: python3 is not installed here";
  }

  /** The script capabilities to report, e.g. script:bash, script:python. */
  static List<String> capabilities() {
    List<String> capabilities = new ArrayList<>(List.of("script:bash", "script:sh"));
    onPath("python3").ifPresent(p -> capabilities.add("script:python"));
    onPath("pwsh").ifPresent(p -> capabilities.add("script:powershell"));
    return capabilities;
  }

  private static Optional<String> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String folder : path.split(File.pathSeparator)) {
      Path candidate = Path.of(folder, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
