package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.cuttle.client.ApiClient;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.HealthReport;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a tentacle says cannot take over the terminal of the admin who reads it: a real tentacle's
 * script and a hostile tentacle's hand-made output, result message and health report carry a
 * clear-screen, a window title, a clipboard write (OSC 52), NUL, a C1 control and CR/LF-forged
 * lines. {@code cuttle script} and {@code cuttle fleet list} print none of those characters raw,
 * and every output line under its own target's prefix; the stored log, through the API and as
 * {@code log.txt}, keeps the exact text, served as an attachment the browser must not sniff.
 */
@Timeout(300)
class TerminalSafeOutputTest {
  private static final String FORGED =
      "[victim | via legacy port] FORGED: deploy approved by victim";
  private static final String CLEAR = "\u001b[2J\u001b[H";
  private static final String TITLE = "\u001b]0;owned\u0007";
  private static final String CLIPBOARD = "\u001b]52;c;ZXZpbA==\u0007";

  @TempDir static Path dir;
  private static TestFleet fleet;
  private static TentacleHome hostileHome;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new TestFleet(dir, b -> b.healthCheckInterval(Duration.ZERO).minimumFreeDiskBytes(0));
    fleet.start(fleet.register("honest", true));
    hostileHome = fleet.register("mallory", true);
  }

  @AfterAll
  static void stopFleet() {
    fleet.close();
  }

  @Test
  void aRealScriptsControlCharactersAreEscapedOnTheTerminalAndKeptExactInTheLog() throws Exception {
    String script =
        String.join(
            "; ",
            "printf 'clear\\033[2J\\033[Hend\\n'",
            "printf 'title\\033]0;owned\\007\\n'",
            "printf 'clip\\033]52;c;ZXZpbA==\\007\\n'",
            "printf 'nul\\000end\\n'",
            "printf 'c1 \\302\\23331m\\n'",
            "printf 'ok\\r" + FORGED + "\\n'",
            "printf 'tab\\there\\n'",
            "printf 'Results:\\n'");

    CommandLineTest.Run run = cuttle(List.of("script"), "--tentacle", "honest", "--", script);

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertTerminalSafe(run.out());
    String prefix = "[honest | via router] ";
    assertThat(printedOutput(run.out()))
        .containsExactly(
            prefix + "clear\\u001b[2J\\u001b[Hend",
            prefix + "title\\u001b]0;owned\\u0007",
            prefix + "clip\\u001b]52;c;ZXZpbA==\\u0007",
            prefix + "nul\\u0000end",
            prefix + "c1 \\u009b31m",
            prefix + "ok",
            prefix + FORGED,
            prefix + "tab\there",
            prefix + "Results:");

    String taskId = taskId(run.out());
    List<String> stored =
        List.of(
            "clear" + CLEAR + "end",
            "title" + TITLE,
            "clip" + CLIPBOARD,
            "nul\u0000end",
            "c1 \u009b31m",
            "ok",
            FORGED,
            "tab\there",
            "Results:");
    assertThat(fleet.follow(taskId)).extracting(LogEntry::text).containsExactlyElementsOf(stored);
    String download = logText(taskId);
    for (String line : stored) {
      assertThat(download).contains(line + "\n");
    }
  }

  @Test
  void aHostileTentaclesOutputResultAndHealthReportCannotForgeLinesOrDriveTheTerminal()
      throws Exception {
    try (TentacleCaller mallory = new TentacleCaller(fleet, hostileHome, Duration.ofSeconds(60))) {
      AtomicReference<PollResponse> early = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                // Polls once so the server learns this tentacle can run scripts and health checks.
                early.set(mallory.polling.poll(poll(mallory).build()));
                try (ApiClient api = fleet.api()) {
                  return api.tentacle("mallory").capabilities().contains("health-check");
                }
              });
      assertThat(early.get().hasCommand()).isFalse();

      CompletableFuture<CommandLineTest.Run> watching =
          CompletableFuture.supplyAsync(
              () -> cuttle(List.of("script"), "--tentacle", "mallory", "--", "echo hi"));
      Command script = nextCommand(mallory);
      assertThat(script.hasRunScript()).isTrue();
      String id = script.getCommandId();
      assertThat(
              mallory
                  .polling
                  .acknowledge(
                      AcknowledgeRequest.newBuilder()
                          .setTentacleId(mallory.tentacleId)
                          .setCommandId(id)
                          .build())
                  .getProceed())
          .isTrue();
      List<String> sent =
          List.of(
              "working\n" + FORGED,
              CLEAR + TITLE + CLIPBOARD + "\u0000\u009b31m",
              "50%\r" + FORGED + "\r\n");
      ProgressReport.Builder progress =
          ProgressReport.newBuilder().setTentacleId(mallory.tentacleId).setCommandId(id);
      for (int i = 0; i < sent.size(); i++) {
        progress.addLines(
            LogLine.newBuilder()
                .setSequence(i + 1)
                .setStream(i == 1 ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT)
                .setText(sent.get(i))
                .setTimestampMillis(System.currentTimeMillis()));
      }
      assertThat(mallory.polling.reportProgress(progress.build()).getStoredThrough()).isEqualTo(3);
      String message =
          "oops\n\nResults:\n  victim  legacy port  succeeded (exit code 0)\nAll targets"
              + " succeeded."
              + CLEAR;
      assertThat(
              mallory
                  .polling
                  .reportResult(
                      ResultReport.newBuilder()
                          .setTentacleId(mallory.tentacleId)
                          .setCommandId(id)
                          .setOutcome(ResultReport.Outcome.FAILED)
                          .setMessage(message)
                          .setLastSequence(3)
                          .build())
                  .getRecorded())
          .isTrue();

      CommandLineTest.Run run = watching.get(120, TimeUnit.SECONDS);
      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
      assertTerminalSafe(run.out());
      String prefix = "[mallory | via router] ";
      assertThat(printedOutput(run.out()))
          .containsExactly(
              prefix + "working",
              prefix + FORGED,
              prefix
                  + "! \\u001b[2J\\u001b[H\\u001b]0;owned\\u0007\\u001b]52;c;ZXZpbA==\\u0007"
                  + "\\u0000\\u009b31m",
              prefix + "50%\\r" + FORGED + "\\r",
              prefix);
      assertThat(run.out().lines().filter(l -> l.startsWith("All targets")))
          .as("only the CLI's own summary line")
          .isEmpty();
      assertThat(run.out())
          .contains(
              "FAILED: oops\\n\\nResults:\\n  victim  legacy port  succeeded (exit code 0)\\nAll"
                  + " targets succeeded.\\u001b[2J\\u001b[H\n")
          .endsWith("Some targets failed.\n");

      String taskId = taskId(run.out());
      assertThat(fleet.follow(taskId)).extracting(LogEntry::text).containsExactlyElementsOf(sent);
      assertThat(fleet.task(taskId).targets().get(0).message()).isEqualTo(message);
      String download = logText(taskId);
      for (String text : sent) {
        assertThat(download).contains(text + "\n");
      }

      try (ApiClient api = fleet.api()) {
        assertThat(api.checkHealth(new HealthCheckRequest(null, null, List.of("mallory"))).queued())
            .containsExactly("mallory");
      }
      Command check = nextCommand(mallory);
      assertThat(check.hasHealthCheck()).isTrue();
      String home = "/srv" + CLIPBOARD + "\n    last health check: FORGED all is well" + TITLE;
      mallory.polling.reportResult(
          ResultReport.newBuilder()
              .setTentacleId(mallory.tentacleId)
              .setCommandId(check.getCommandId())
              .setOutcome(ResultReport.Outcome.COMPLETED)
              .setHealth(
                  HealthReport.newBuilder()
                      .setFreeDiskBytes(1L << 40)
                      .setHome(home)
                      .setVersion("0.1.0" + CLEAR)
                      .addInterpreters("bash\r\nhonest  ONLINE"))
              .build());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> cuttle(List.of("fleet", "list")).out().contains("FORGED all is well"));
      CommandLineTest.Run list = cuttle(List.of("fleet", "list"));
      assertThat(list.exitCode()).isZero();
      assertTerminalSafe(list.out());
      assertThat(list.out())
          .contains(
              "    last health check: version 0.1.0\\u001b[2J\\u001b[H; 1048576 MiB free on the"
                  + " disk of /srv\\u001b]52;c;ZXZpbA==\\u0007\\n    last health check: FORGED"
                  + " all is well\\u001b]0;owned\\u0007; can run bash\\r\\nhonest  ONLINE\n");
      assertThat(list.out().lines().filter(l -> l.startsWith("honest "))).hasSize(1);
      assertThat(list.out().lines().filter(l -> l.contains("last health check:"))).hasSize(1);
    }
  }

  @Test
  void logTxtIsServedAsAPlainTextAttachmentTheBrowserMustNotSniff() throws Exception {
    CommandLineTest.Run run =
        cuttle(
            List.of("script"),
            "--tentacle",
            "honest",
            "--",
            "echo '<html><script>alert(1)</script>'");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    String taskId = taskId(run.out());

    AggregatedHttpResponse answer = logTxt(taskId);

    assertThat(answer.status().code()).isEqualTo(200);
    assertThat(answer.headers().get("content-type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(answer.headers().get("x-content-type-options")).isEqualTo("nosniff");
    assertThat(answer.headers().get("content-disposition"))
        .isEqualTo("attachment; filename=\"" + taskId + ".log\"");
    assertThat(answer.contentUtf8()).contains("<html><script>alert(1)</script>\n");
  }

  /** No character a terminal would obey: only printable text, tabs and the CLI's own LFs. */
  private static void assertTerminalSafe(String printed) {
    assertThat(
            printed
                .chars()
                .filter(
                    c ->
                        (c < 0x20 && c != '\n' && c != '\t')
                            || (c >= 0x7f && c <= 0x9f)
                            || c == 0x2028
                            || c == 0x2029)
                .mapToObj(c -> String.format("U+%04X", c))
                .toList())
        .as(printed)
        .isEmpty();
  }

  /** The lines between the task's heading and the blank line before its one Results block. */
  private static List<String> printedOutput(String printed) {
    List<String> lines = printed.lines().toList();
    int results = lines.indexOf("Results:");
    assertThat(results).as(printed).isPositive();
    assertThat(lines.lastIndexOf("Results:"))
        .as("one Results block: " + printed)
        .isEqualTo(results);
    assertThat(lines.get(0)).startsWith("Task ");
    assertThat(lines.get(results - 1)).isEmpty();
    return lines.subList(1, results - 1);
  }

  private static String taskId(String printed) {
    return printed.lines().findFirst().orElseThrow().replaceAll("^Task ([^:]+):.*", "$1");
  }

  /** {@code cuttle COMMAND... --server URL --api-key KEY ARGS...} against this class's server. */
  private static CommandLineTest.Run cuttle(List<String> command, String... args) {
    List<String> all = new ArrayList<>(command);
    all.addAll(
        List.of("--server", fleet.server.info().webUrl(), "--api-key", fleet.server.adminApiKey()));
    all.addAll(List.of(args));
    return CommandLineTest.cuttle(all.toArray(String[]::new));
  }

  private static String logText(String taskId) {
    AggregatedHttpResponse answer = logTxt(taskId);
    assertThat(answer.status().code()).isEqualTo(200);
    return answer.contentUtf8();
  }

  private static AggregatedHttpResponse logTxt(String taskId) {
    try (ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
      return WebClient.builder(fleet.server.info().webUrl())
          .factory(factory)
          .build()
          .execute(
              RequestHeaders.builder(HttpMethod.GET, "/api/tasks/" + taskId + "/log.txt")
                  .set("authorization", "Bearer " + fleet.server.adminApiKey())
                  .build())
          .aggregate()
          .join();
    }
  }

  /** Polls as the hostile tentacle until the server sends it a command. */
  private static Command nextCommand(TentacleCaller caller) {
    AtomicReference<Command> command = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              PollResponse response = caller.polling.poll(poll(caller).build());
              command.set(response.hasCommand() ? response.getCommand() : null);
              return command.get() != null;
            });
    return command.get();
  }

  private static PollRequest.Builder poll(TentacleCaller caller) {
    return PollRequest.newBuilder()
        .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
        .setTentacleId(caller.tentacleId)
        .setFreeSlots(1)
        .setAgent(
            AgentInfo.newBuilder()
                .setVersion("0.1.0")
                .addCapabilities("script:bash")
                .addCapabilities("script:sh")
                .addCapabilities("health-check")
                .setPlatform("Linux"));
  }
}
