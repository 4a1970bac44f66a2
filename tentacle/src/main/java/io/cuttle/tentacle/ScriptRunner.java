package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ResultReport;
import io.cuttle.wire.polling.v1.RunScript;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one script in its own working folder and feeds every line it prints to an {@link LineSink}.
 * Output that is not valid UTF-8 is kept with replacement characters rather than dropped. A script
 * that outlives its timeout, or is cancelled, is killed with everything it started.
 */
final class ScriptRunner {
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  static final String CANCELLED =
      "cancelled: the tentacle killed the script and everything it started";

  private final Path workDirectory;
  private final WorkFolders folders;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  ScriptRunner(Path workDirectory) {
    this.workDirectory = workDirectory;
    this.folders = new WorkFolders(workDirectory, Clock.systemUTC());
    folders.sweep();
  }

  /**
   * Stops the command's script with everything it started, or keeps it from starting if it has not
   * yet. Safe from any thread and at any moment: whichever of this and {@link #run} comes second
   * sees the other's mark.
   */
  void cancel(String commandId) {
    cancelled.add(commandId);
    Process process = running.get(commandId);
    if (process != null) {
      ProcessTree.kill(process, commandId);
    }
  }

  /** Runs the script; the returned report has no ids or sequence yet. */
  ResultReport.Builder run(String commandId, RunScript script, LineSink output)
      throws InterruptedException {
    return run(commandId, script, output, Workspace.SCRIPT_ONLY);
  }

  /** Runs the script after {@code workspace} has filled the command's folder. */
  ResultReport.Builder run(String commandId, RunScript script, LineSink output, Workspace workspace)
      throws InterruptedException {
    ResultReport.Builder report = null;
    try {
      report = runOnce(commandId, script, output, workspace);
      return report;
    } finally {
      running.remove(commandId);
      cancelled.remove(commandId);
      folders.finished(
          commandId,
          report != null
              && report.getOutcome() == ResultReport.Outcome.COMPLETED
              && report.getExitCode() == 0);
    }
  }

  private ResultReport.Builder runOnce(
      String commandId, RunScript script, LineSink output, Workspace workspace)
      throws InterruptedException {
    if (cancelled.contains(commandId)) {
      return cancelledResult();
    }
    Process process;
    Path folder = workDirectory.resolve(commandId);
    try {
      Files.createDirectories(folder);
      Workspace.Launch launch;
      try {
        launch = workspace.prepare(folder, script, output, () -> cancelled.contains(commandId));
      } catch (Workspace.Failure e) {
        return cancelled.contains(commandId)
            ? cancelledResult()
            : ResultReport.newBuilder()
                .setOutcome(ResultReport.Outcome.FAILED)
                .setMessage(e.getMessage());
      }
      if (cancelled.contains(commandId)) {
        return cancelledResult();
      }
      Optional<List<String>> command =
          Interpreters.commandFor(script.getSyntax(), launch.scriptFile());
      if (command.isEmpty()) {
        return ResultReport.newBuilder()
            .setOutcome(ResultReport.Outcome.FAILED)
            .setMessage(Interpreters.missing(script.getSyntax()));
      }
      ProcessBuilder builder =
          new ProcessBuilder(ProcessTree.inOwnSession(command.get()))
              .directory(launch.workingFolder().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(script.getVariablesMap());
      ProcessTree.mark(builder.environment(), commandId);
      process = builder.start();
    } catch (IOException e) {
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.FAILED)
          .setMessage("the tentacle could not prepare or start the script: " + e.getMessage());
    }
    running.put(commandId, process);
    if (cancelled.contains(commandId)) {
      ProcessTree.kill(process, commandId);
    }
    Thread stdout = pump(process.getInputStream(), LogLine.Stream.STDOUT, output, commandId);
    Thread stderr = pump(process.getErrorStream(), LogLine.Stream.STDERR, output, commandId);
    Duration timeout =
        script.getTimeoutMillis() > 0
            ? Duration.ofMillis(script.getTimeoutMillis())
            : DEFAULT_TIMEOUT;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(process, commandId);
        stdout.join();
        stderr.join();
        return ResultReport.newBuilder()
            .setOutcome(ResultReport.Outcome.FAILED)
            .setMessage(
                "timed out after "
                    + seconds(timeout)
                    + " s: the script ran longer than its timeout and was killed with everything"
                    + " it started");
      }
      stdout.join();
      stderr.join();
      if (cancelled.contains(commandId)) {
        // Killed on request, or ended on its own as the request came: either way the person
        // asked for it to stop and it has, so it is reported once, as cancelled.
        return cancelledResult();
      }
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.COMPLETED)
          .setExitCode(process.exitValue());
    } catch (InterruptedException e) {
      ProcessTree.kill(process, commandId);
      throw e;
    }
  }

  private static ResultReport.Builder cancelledResult() {
    return ResultReport.newBuilder()
        .setOutcome(ResultReport.Outcome.CANCELLED)
        .setMessage(CANCELLED);
  }

  /** Whole seconds when whole, as a person would write them ("30", "1.5"). */
  private static String seconds(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0
        ? Long.toString(millis / 1000)
        : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private static Thread pump(
      InputStream in, LogLine.Stream stream, LineSink output, String commandId) {
    Thread thread =
        new Thread(
            () -> {
              try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                OutputLines.split(
                    reader,
                    OutputShipper.MAX_LINE_CHARS,
                    (line, continuesPrevious) -> output.add(stream, line, continuesPrevious));
              } catch (IOException e) {
                // The process ended or was killed; what it printed so far is shipped.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "script-" + commandId + "-" + stream.name().toLowerCase());
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
