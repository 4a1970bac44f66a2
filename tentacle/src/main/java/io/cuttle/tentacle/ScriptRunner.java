package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ResultReport;
import io.cuttle.wire.polling.v1.RunScript;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one script in its own working folder and feeds every line it prints to an {@link LineSink}.
 * Output that is not valid UTF-8 is kept with replacement characters rather than dropped. A script
 * that outlives its timeout is killed with everything it started.
 */
final class ScriptRunner {
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private final Path workDirectory;

  ScriptRunner(Path workDirectory) {
    this.workDirectory = workDirectory;
  }

  /** Runs the script; the returned report has no ids or sequence yet. */
  ResultReport.Builder run(String commandId, RunScript script, LineSink output)
      throws InterruptedException {
    Process process;
    Path folder = workDirectory.resolve(commandId);
    try {
      Files.createDirectories(folder);
      Path file = folder.resolve("script.sh");
      Files.writeString(file, script.getBody(), StandardCharsets.UTF_8);
      ProcessBuilder builder =
          new ProcessBuilder(
                  script.getSyntax() == RunScript.Syntax.SH ? "sh" : "bash", file.toString())
              .directory(folder.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(script.getVariablesMap());
      process = builder.start();
    } catch (IOException e) {
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.FAILED)
          .setMessage("the tentacle could not start the script: " + e.getMessage());
    }
    Thread stdout = pump(process.getInputStream(), LogLine.Stream.STDOUT, output, commandId);
    Thread stderr = pump(process.getErrorStream(), LogLine.Stream.STDERR, output, commandId);
    Duration timeout =
        script.getTimeoutMillis() > 0
            ? Duration.ofMillis(script.getTimeoutMillis())
            : DEFAULT_TIMEOUT;
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree(process);
        stdout.join();
        stderr.join();
        return ResultReport.newBuilder()
            .setOutcome(ResultReport.Outcome.FAILED)
            .setMessage("the script ran longer than its timeout of " + timeout + " and was killed");
      }
      stdout.join();
      stderr.join();
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.COMPLETED)
          .setExitCode(process.exitValue());
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    }
  }

  private static Thread pump(
      InputStream in, LogLine.Stream stream, LineSink output, String commandId) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  output.add(stream, line);
                }
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

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
