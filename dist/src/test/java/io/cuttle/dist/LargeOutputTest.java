package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.testkit.ExternalProcess;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script printing about 100 MB (more than either heap holds as text), run by a server and a
 * tentacle that are separate processes with small heaps: output must be held back, not buffered,
 * all the way from the script's pipe to the database, and every line must arrive in order with its
 * stream.
 */
@Timeout(600)
class LargeOutputTest {
  private static final int LINES = 100_000;
  private static final int PADDING = 1000;

  /** Every fourth line goes to stderr, so both pipes are busy at once. */
  private static final String SCRIPT =
      """
      awk -v lines=%d -v width=%d 'BEGIN {
        pad = sprintf("%%" width "s", ""); gsub(/ /, "x", pad)
        for (i = 1; i <= lines; i++) {
          if (i %% 4 == 0) { print "err " i " " pad > "/dev/stderr" } else { print "out " i " " pad }
        }
      }'
      """
          .formatted(LINES, PADDING);

  private static final Pattern THUMBPRINT = Pattern.compile("Server thumbprint: (\\S+)");
  private static final Pattern KEY_FILE = Pattern.compile("Admin API key:\\s+in (\\S+)");
  private static final Pattern LINE = Pattern.compile("(out|err) (\\d+) (x*)");

  @Test
  void aHundredMegabytesOfOutputAreStoredInOrderWithinSmallHeaps(@TempDir Path dir)
      throws Exception {
    int port = TestFleet.freePort();
    int legacyPort = TestFleet.freePort();
    try (ExternalProcess server =
        CuttleProcess.start(
            "server",
            dir.resolve("server.log"),
            "128m",
            "server",
            "--data",
            dir.resolve("data").toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--admin-address",
            "127.0.0.1:0",
            "--legacy-port",
            Integer.toString(legacyPort))) {
      // Its banner comes once it listens; a small heap on a busy machine starts slowly.
      await("the server's banner")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(server.isAlive()).as("server alive:\n" + server.output()).isTrue();
                return KEY_FILE.matcher(server.output()).find();
              });
      String thumbprint = find(THUMBPRINT, server.output());
      String apiKey = Files.readString(Path.of(find(KEY_FILE, server.output()))).strip();
      String webUrl = "https://localhost:" + port;

      Run register =
          CommandLineTest.cuttle(
              "tentacle",
              "register",
              "--instance",
              "big",
              "--home",
              dir.resolve("tentacles").toString(),
              "--server",
              webUrl,
              "--api-key",
              apiKey,
              "--server-thumbprint",
              thumbprint,
              "--comms-port",
              Integer.toString(legacyPort),
              "--environment",
              "Test");
      assertThat(register.exitCode()).as(register.err()).isZero();

      try (ExternalProcess tentacle =
              CuttleProcess.start(
                  "tentacle",
                  dir.resolve("tentacle.log"),
                  "48m",
                  "tentacle",
                  "run",
                  "--instance",
                  "big",
                  "--home",
                  dir.resolve("tentacles").toString());
          ApiClient api = ApiClient.connect(webUrl, apiKey, Thumbprint.parse(thumbprint))) {
        await("the tentacle connected")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  assertThat(tentacle.isAlive())
                      .as("tentacle alive:\n" + tentacle.output())
                      .isTrue();
                  return tentacle.output().contains("connected to");
                });
        long started = System.nanoTime();
        TaskView task =
            api.runScript(
                new RunScriptRequest(SCRIPT, "bash", null, List.of(), List.of("big"), 60L, 600L));

        Checked checked;
        try {
          checked = checkLog(api, task.id());
        } catch (RuntimeException | AssertionError e) {
          throw new AssertionError(
              "server log:\n"
                  + tail(server.output())
                  + "\ntentacle log:\n"
                  + tail(tentacle.output()),
              e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("LargeOutputTest: " + LINES + " lines stored and read in " + took);

        assertThat(checked.task().state())
            .as("the task: " + checked.task() + "\n" + tentacle.output())
            .isEqualTo(TaskState.SUCCEEDED);
        assertThat(checked.lines()).isEqualTo(LINES);
        assertThat(checked.stderrLines()).isEqualTo(LINES / 4);
        assertThat(checked.lastSequence()).isEqualTo(LINES);
        assertThat(tentacle.isAlive()).as("the tentacle is still running").isTrue();
        assertThat(tentacle.output()).doesNotContain("OutOfMemoryError");
      }
      assertThat(server.isAlive()).as("the server is still running").isTrue();
      assertThat(server.output()).doesNotContain("OutOfMemoryError");
    }
  }

  private record Checked(TaskView task, long lines, long stderrLines, long lastSequence) {}

  /**
   * Pages through the stored log as it grows, checking each line against what the script printed:
   * sequences without gaps, each stream's lines in the order printed, with their stream and text.
   */
  private static Checked checkLog(ApiClient api, String taskId) throws InterruptedException {
    long after = 0;
    long lines = 0;
    long stderrLines = 0;
    long lastSequence = 0;
    long lastOut = 0;
    long lastErr = 0;
    // Bounded: one idle pause of 200 ms per round, well beyond the test's timeout.
    for (int round = 0; round < 1_000_000; round++) {
      TaskLog page = api.log(taskId, after);
      for (LogEntry entry : page.lines()) {
        assertThat(entry.sequence())
            .as("sequence after " + lastSequence)
            .isEqualTo(lastSequence + 1);
        lastSequence = entry.sequence();
        Matcher matcher = LINE.matcher(entry.text());
        assertThat(matcher.matches()).as("line %d: %.60s", lastSequence, entry.text()).isTrue();
        long number = Long.parseLong(matcher.group(2));
        boolean stderr = number % 4 == 0;
        assertThat(matcher.group(1)).isEqualTo(stderr ? "err" : "out");
        assertThat(entry.stream())
            .as("stream of line " + number)
            .isEqualTo(stderr ? "stderr" : "stdout");
        assertThat(matcher.group(3)).hasSize(PADDING);
        if (stderr) {
          assertThat(number).as("stderr line after " + lastErr).isEqualTo(lastErr + 4);
          lastErr = number;
          stderrLines++;
        } else {
          assertThat(number)
              .as("stdout line after " + lastOut)
              .isEqualTo(lastOut + (lastOut % 4 == 3 ? 2 : 1));
          lastOut = number;
        }
        lines++;
      }
      after = page.next();
      if (page.lines().isEmpty()) {
        if (page.task().state().finished()) {
          return new Checked(page.task(), lines, stderrLines, lastSequence);
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the task did not finish");
  }

  private static String tail(String log) {
    return log.substring(Math.max(0, log.length() - 6000));
  }

  private static String find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as(pattern + " in:\n" + text).isTrue();
    return matcher.group(1);
  }
}
