package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ResultReport;
import io.cuttle.wire.polling.v1.RunScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ScriptRunnerTest {
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final LineSink sink =
      (stream, text) -> lines.add((stream == LogLine.Stream.STDERR ? "err:" : "out:") + text);

  private static RunScript bash(String body) {
    return RunScript.newBuilder().setSyntax(RunScript.Syntax.BASH).setBody(body).build();
  }

  @Test
  void runsInItsOwnFolderWithVariablesAndReportsTheExitCode(@TempDir Path work) throws Exception {
    RunScript script =
        bash("echo \"$GREETING from $(basename \"$PWD\")\"; echo oops >&2; exit 7").toBuilder()
            .putVariables("GREETING", "hello")
            .build();

    ResultReport.Builder result = new ScriptRunner(work).run("C-1", script, sink);

    assertThat(result.getOutcome()).isEqualTo(ResultReport.Outcome.COMPLETED);
    assertThat(result.getExitCode()).isEqualTo(7);
    assertThat(lines).containsExactlyInAnyOrder("out:hello from C-1", "err:oops");
    assertThat(work.resolve("C-1").resolve("script.sh")).exists();
  }

  @Test
  void keepsOrderWithinAStreamAndRunsPosixSh(@TempDir Path work) throws Exception {
    RunScript script =
        RunScript.newBuilder()
            .setSyntax(RunScript.Syntax.SH)
            .setBody("i=1; while [ $i -le 500 ]; do echo $i; i=$((i+1)); done")
            .build();

    new ScriptRunner(work).run("C-2", script, sink);

    assertThat(lines).hasSize(500);
    for (int i = 0; i < 500; i++) {
      assertThat(lines.get(i)).isEqualTo("out:" + (i + 1));
    }
  }

  @Test
  void outputThatIsNotUtf8IsKeptWithReplacementCharacters(@TempDir Path work) throws Exception {
    ResultReport.Builder result =
        new ScriptRunner(work).run("C-3", bash("printf 'caf\\xe9 ok\\n'"), sink);

    assertThat(result.getExitCode()).isZero();
    assertThat(lines).containsExactly("out:caf\uFFFD ok");
  }

  @Test
  void outputWithoutNewlinesArrivesInPartsOfTheLongestLineShipped(@TempDir Path work)
      throws Exception {
    ResultReport.Builder result =
        new ScriptRunner(work).run("C-5", bash("head -c 100000 /dev/zero | tr '\\0' q"), sink);

    assertThat(result.getExitCode()).isZero();
    assertThat(lines).hasSize(13);
    assertThat(lines.subList(0, 12))
        .allMatch(line -> line.equals("out:" + "q".repeat(OutputShipper.MAX_LINE_CHARS)));
    assertThat(lines.get(12)).isEqualTo("out:" + "q".repeat(4000));
  }

  @Test
  void aScriptPastItsTimeoutIsKilledWithEverythingItStarted(@TempDir Path work) throws Exception {
    RunScript script =
        bash("sleep 300 & echo $! > child.pid; echo started; wait").toBuilder()
            .setTimeoutMillis(1500)
            .build();

    ResultReport.Builder result = new ScriptRunner(work).run("C-4", script, sink);

    assertThat(result.getOutcome()).isEqualTo(ResultReport.Outcome.FAILED);
    assertThat(result.getMessage())
        .startsWith("timed out after 1.5 s")
        .contains("killed with everything it started");
    long child = Long.parseLong(Files.readString(work.resolve("C-4").resolve("child.pid")).trim());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    assertThat(lines).contains("out:started");
  }

  @Test
  void aCancelledScriptIsKilledWithItsChildrenAndGrandchildren(@TempDir Path work)
      throws Exception {
    ScriptRunner runner = new ScriptRunner(work);
    // A child that starts a grandchild of its own, and a foreground sleep in the script itself.
    RunScript script =
        bash(
            "bash -c 'sleep 300 & echo $! >> pids; sleep 300' & echo $! >> pids;"
                + " echo started; sleep 300; wait");
    var result = new java.util.concurrent.atomic.AtomicReference<ResultReport.Builder>();
    Thread running =
        new Thread(
            () -> {
              try {
                result.set(runner.run("C-5", script, sink));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    running.start();
    Path pids = work.resolve("C-5").resolve("pids");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);

    runner.cancel("C-5");
    running.join(10_000);

    assertThat(result.get().getOutcome()).isEqualTo(ResultReport.Outcome.CANCELLED);
    assertThat(result.get().getMessage()).isEqualTo(ScriptRunner.CANCELLED);
    for (String pid : Files.readAllLines(pids)) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  ProcessHandle.of(Long.parseLong(pid.trim())).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void aCancelledScriptRunsNoFurtherLineWhenItsChildrenDie(@TempDir Path work) throws Exception {
    ScriptRunner runner = new ScriptRunner(work);
    // Forty subshells, each waiting on a sleep and writing a line once it ends, and the script
    // itself doing the same: killed children first, the shells lived long enough to write it.
    RunScript script =
        bash(
            "for i in $(seq 40); do (echo $i >> ready; sleep 300; echo \"after $i\" >> after) &"
                + " done; sleep 300; echo after >> after");
    var result = new java.util.concurrent.atomic.AtomicReference<ResultReport.Builder>();
    Thread running =
        new Thread(
            () -> {
              try {
                result.set(runner.run("C-6", script, sink));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    running.start();
    Path folder = work.resolve("C-6");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Files.exists(folder.resolve("ready"))
                    && Files.readAllLines(folder.resolve("ready")).size() == 40);

    runner.cancel("C-6");
    running.join(10_000);

    assertThat(result.get().getOutcome()).isEqualTo(ResultReport.Outcome.CANCELLED);
    assertThat(folder.resolve("after")).doesNotExist();
  }

  @Test
  void aScriptCancelledBeforeItStartsNeverRuns(@TempDir Path work) throws Exception {
    ScriptRunner runner = new ScriptRunner(work);
    runner.cancel("C-6");

    ResultReport.Builder result = runner.run("C-6", bash("touch ran"), sink);

    assertThat(result.getOutcome()).isEqualTo(ResultReport.Outcome.CANCELLED);
    assertThat(work.resolve("C-6").resolve("ran")).doesNotExist();
  }

  /**
   * A script that detaches a process with setsid (it leaves the script's session) and another by a
   * double fork (init adopts it): both die with the script, as their pids in /proc show.
   */
  private static final String DETACHES =
      "setsid -f sh -c 'echo $$ >> pids; exec sleep 300' >/dev/null 2>&1;"
          + " (sleep 300 >/dev/null 2>&1 & echo $! >> pids);"
          + " until [ $(wc -l < pids) -eq 2 ]; do sleep 0.05; done;"
          + " echo started; sleep 300";

  @Test
  void aCancelledScriptTakesDownWhatItDetachedWithSetsidOrADoubleFork(@TempDir Path work)
      throws Exception {
    ScriptRunner runner = new ScriptRunner(work);
    var result = new java.util.concurrent.atomic.AtomicReference<ResultReport.Builder>();
    Thread running =
        new Thread(
            () -> {
              try {
                result.set(runner.run("C-7", bash(DETACHES), sink));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    running.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("out:started"));
    List<String> detached = Files.readAllLines(work.resolve("C-7").resolve("pids"));
    assertThat(detached).hasSize(2).allMatch(pid -> !gone(pid));

    runner.cancel("C-7");
    running.join(10_000);

    assertThat(result.get().getOutcome()).isEqualTo(ResultReport.Outcome.CANCELLED);
    for (String pid : detached) {
      await().atMost(Duration.ofSeconds(5)).until(() -> gone(pid));
    }
  }

  @Test
  void aTimedOutScriptTakesDownWhatItDetachedWithSetsidOrADoubleFork(@TempDir Path work)
      throws Exception {
    RunScript script = bash(DETACHES).toBuilder().setTimeoutMillis(1500).build();

    ResultReport.Builder result = new ScriptRunner(work).run("C-8", script, sink);

    assertThat(result.getMessage()).startsWith("timed out after 1.5 s");
    List<String> detached = Files.readAllLines(work.resolve("C-8").resolve("pids"));
    assertThat(detached).hasSize(2);
    for (String pid : detached) {
      await().atMost(Duration.ofSeconds(5)).until(() -> gone(pid));
    }
  }

  @Test
  void aScriptRunsAsTheLeaderOfItsOwnSessionMarkedWithItsCommand(@TempDir Path work)
      throws Exception {
    ResultReport.Builder result =
        new ScriptRunner(work)
            .run(
                "C-9",
                bash("cut -d' ' -f6 /proc/$$/stat; echo $$; echo \"$CUTTLE_COMMAND_ID\"")
                    .toBuilder()
                    .putVariables("CUTTLE_COMMAND_ID", "forged")
                    .build(),
                sink);

    assertThat(result.getExitCode()).isZero();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).as("its session id is its pid").isEqualTo(lines.get(1));
    assertThat(lines.get(2)).isEqualTo("out:C-9");
  }

  /** Whether the process is gone from /proc, or is a zombie no one has reaped yet. */
  private static boolean gone(String pid) {
    Path stat = Path.of("/proc", pid.trim(), "stat");
    try {
      String text = Files.readString(stat);
      return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.nio.file.NoSuchFileException e) {
      return true;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
