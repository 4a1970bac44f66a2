package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle completion}: the script, sourced in a real bash, completes commands and options.
 */
class CompletionTest {
  @TempDir Path dir;

  /**
   * What bash's completion function offers for {@code words} (the last one being completed), one
   * candidate a line, from the script sourced in a real bash.
   */
  private List<String> completions(Path script, String... words) throws Exception {
    String array = String.join(" ", words);
    String driver =
        "source "
            + script
            + "\nCOMP_WORDS=("
            + array
            + ")\nCOMP_CWORD="
            + (words.length - 1)
            + "\nCOMP_LINE='"
            + array
            + "'\nCOMP_POINT=${#COMP_LINE}\n_complete_cuttle\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash =
        new ProcessBuilder("bash", "--norc", "--noprofile", "-c", driver)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(out).isZero();
    return out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  private Path bashScript() throws Exception {
    Run run = cuttle("completion", "bash");
    assertThat(run.exitCode()).as(run.err()).isZero();
    return Files.writeString(dir.resolve("cuttle"), run.out());
  }

  @Test
  void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
    Path script = bashScript();

    assertThat(completions(script, "cuttle", "fle")).containsExactly("fleet");
    assertThat(completions(script, "cuttle", "re")).contains("release", "registration-token");
    assertThat(completions(script, "cuttle", "fleet", "l")).containsExactly("list");
    assertThat(completions(script, "cuttle", "user", "list", "--out")).containsExactly("--output");
    assertThat(completions(script, "cuttle", "completion", "--h")).containsExactly("--help");
  }

  @Test
  void zshGetsTheScriptThatLoadsBashcompinitItself() {
    Run run = cuttle("completion", "zsh");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("bashcompinit").contains("complete -F _complete_cuttle");
  }

  @Test
  void anUnknownShellIsOneSentenceNamingTheChoices() {
    Run run = cuttle("completion", "fish");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip())
        .isEqualTo("cuttle completion: no completion for 'fish': choose bash or zsh.");
  }
}
