package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskView;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Scripts in each syntax a tentacle reports it can run, and a clear failure for one it cannot. */
@Timeout(120)
class ScriptSyntaxTest {
  private static boolean onPath(String program) {
    return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(folder -> Files.isExecutable(Path.of(folder, program)));
  }

  private static TaskView run(TestFleet fleet, String syntax, String script) {
    try (var api = fleet.api()) {
      return api.runScript(
          new RunScriptRequest(script, syntax, null, List.of(), List.of("polyglot"), 60L, null));
    }
  }

  @Test
  void pythonRunsWithVariablesAndPowerShellRunsOrSaysWhatIsMissing(@TempDir Path dir)
      throws Exception {
    assertThat(onPath("python3")).as("python3 is installed by .ci/run").isTrue();
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("polyglot", true));

      TaskView python =
          run(
              fleet,
              "python",
              "import os, sys\nprint('hello from', os.environ['CUTTLE_TENTACLE_NAME'])\n"
                  + "print('to stderr', file=sys.stderr)\nsys.exit(4)\n");
      List<LogEntry> lines = fleet.follow(python.id());
      var target = fleet.task(python.id()).targets().get(0);
      assertThat(lines)
          .extracting(l -> l.stream() + ":" + l.text())
          .containsExactlyInAnyOrder("stdout:hello from polyglot", "stderr:to stderr");
      assertThat(target.exitCode()).isEqualTo(4);

      TaskView powershell = run(fleet, "powershell", "Write-Output 'hello from pwsh'");
      List<String> output = fleet.follow(powershell.id()).stream().map(LogEntry::text).toList();
      var pwshTarget = fleet.task(powershell.id()).targets().get(0);
      if (onPath("pwsh")) {
        assertThat(output).containsExactly("hello from pwsh");
        assertThat(pwshTarget.state()).isEqualTo(CommandState.SUCCEEDED);
      } else {
        assertThat(pwshTarget.state()).isEqualTo(CommandState.FAILED);
        assertThat(pwshTarget.message()).contains("pwsh is not installed here");
      }

      try (var api = fleet.api()) {
        Map<String, List<String>> capabilities =
            api.tentacles().stream()
                .collect(java.util.stream.Collectors.toMap(t -> t.name(), t -> t.capabilities()));
        assertThat(capabilities.get("polyglot")).contains("script:bash", "script:python");
        assertThat(capabilities.get("polyglot").contains("script:powershell"))
            .isEqualTo(onPath("pwsh"));
      }
    }
  }
}
