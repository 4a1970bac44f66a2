package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.cuttle.client.ApiClient;
import io.cuttle.server.ShiftedClock;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.ProgressLimits;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * A registered tentacle turned hostile, beside a normal one: ids of 64 KiB and ids with a forged
 * log line in them, agent fields and result messages over their columns, and output for a health
 * check. Each is refused before any SQL, the log grows by a few short lines however many calls
 * come, no forged line and no ERROR appear, and the normal tentacle runs its script meanwhile.
 */
@Timeout(300)
class HostilePollingLogTest {
  private static final String FORGED = "\n08:00:00.000 ERROR CuttleServer - FORGED LOG LINE";
  private static final String HUGE_ID = "x".repeat(64 * 1024) + FORGED;

  /** Bounded: each kind of hostile call is sent this often. */
  private static final int ATTEMPTS = 40;

  @Test
  void hostileCallsAreRefusedAndTheLogStaysShortAndTrue(@TempDir Path dir) throws Exception {
    ShiftedClock clock = new ShiftedClock();
    try (TestFleet fleet =
            new TestFleet(
                dir,
                b ->
                    b.healthCheckInterval(Duration.ZERO)
                        .minimumFreeDiskBytes(0)
                        .pickupTimeout(Duration.ofMinutes(30))
                        .silenceTimeout(Duration.ofMinutes(30))
                        .clock(clock));
        LogCapture log = new LogCapture(Logger.ROOT_LOGGER_NAME)) {
      TentacleHome hostileHome = fleet.register("hostile", true);
      fleet.start(fleet.register("normal", true));
      try (TentacleCaller hostile =
          new TentacleCaller(fleet, hostileHome, Duration.ofSeconds(60))) {
        String healthCheckId = healthCheckSentTo(fleet, hostile);
        TaskView script = fleet.runScript("echo still served", List.of("normal"), 600L);

        for (int i = 0; i < ATTEMPTS; i++) {
          assertRefused(
              Status.Code.PERMISSION_DENIED,
              () ->
                  hostile.polling.acknowledge(
                      AcknowledgeRequest.newBuilder()
                          .setTentacleId("someone else" + FORGED)
                          .setCommandId(HUGE_ID)
                          .build()));
          assertRefused(
              Status.Code.INVALID_ARGUMENT,
              () ->
                  hostile.polling.acknowledge(
                      AcknowledgeRequest.newBuilder()
                          .setTentacleId(hostile.tentacleId)
                          .setCommandId(HUGE_ID)
                          .build()));
          assertRefused(
              Status.Code.INVALID_ARGUMENT,
              () ->
                  hostile.polling.poll(
                      poll(hostile)
                          .setAgent(
                              AgentInfo.newBuilder()
                                  .setVersion("v".repeat(51))
                                  .addCapabilities("c".repeat(2001))
                                  .setPlatform("p".repeat(201)))
                          .build()));
          assertRefused(
              Status.Code.INVALID_ARGUMENT,
              () ->
                  hostile.polling.reportResult(
                      ResultReport.newBuilder()
                          .setTentacleId(hostile.tentacleId)
                          .setCommandId(healthCheckId)
                          .setOutcome(ResultReport.Outcome.FAILED)
                          .setMessage("m".repeat(2001))
                          .build()));
          assertThat(
                  assertRefused(
                      Status.Code.INVALID_ARGUMENT,
                      () -> hostile.polling.reportProgress(output(hostile, healthCheckId))))
              .contains("is a health check, which has no output");
        }

        assertThat(fleet.follow(script.id()))
            .extracting(LogEntry::text)
            .containsExactly("still served");
        assertThat(fleet.task(script.id()).state()).isEqualTo(TaskState.SUCCEEDED);

        List<String> refusals =
            log.messages().stream().filter(m -> m.startsWith("Refused ")).toList();
        assertThat(refusals)
            .as("one line a minute per kind of refusal from this peer")
            .hasSize(5)
            .anySatisfy(m -> assertThat(m).contains("\\n08:00:00.000 ERROR"))
            .allSatisfy(m -> assertThat(m.length()).isLessThan(500));

        // A minute on, the next refusal says how many were left out.
        clock.offsetMillis.addAndGet(Duration.ofSeconds(61).toMillis());
        assertRefused(
            Status.Code.INVALID_ARGUMENT,
            () -> hostile.polling.reportProgress(output(hostile, healthCheckId)));
        assertThat(log.messages())
            .anySatisfy(
                m ->
                    assertThat(m)
                        .contains("is a health check")
                        .contains("(and " + (ATTEMPTS - 1) + " more like it from "));
      }
      List<String> said = log.messages();
      assertThat(said).noneMatch(m -> m.contains(FORGED) || m.contains("\r"));
      assertThat(said.stream().mapToLong(String::length).sum())
          .as("log growth from %d hostile calls carrying %d KiB ids", ATTEMPTS * 5, 64)
          .isLessThan(32 * 1024);
      assertThat(log.messagesAt(Level.ERROR)).isEmpty();
      assertThat(log.eventsWithStackTraces()).isZero();
    }
  }

  /** Polls as the hostile tentacle until the server sends it a health check; returns its id. */
  private static String healthCheckSentTo(TestFleet fleet, TentacleCaller hostile)
      throws Exception {
    Future<PollResponse> held =
        hostile.pollingAsync.poll(
            poll(hostile)
                .setAgent(
                    AgentInfo.newBuilder()
                        .setVersion("0.1.0")
                        .addCapabilities("script:sh")
                        .addCapabilities("health-check")
                        .setPlatform("Linux"))
                .build());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> view(fleet).capabilities().contains("health-check"));
    try (ApiClient api = fleet.api()) {
      assertThat(api.checkHealth(new HealthCheckRequest(null, null, List.of("hostile"))).queued())
          .containsExactly("hostile");
    }
    Command command = held.get(60, TimeUnit.SECONDS).getCommand();
    assertThat(command.hasHealthCheck()).isTrue();
    return command.getCommandId();
  }

  private static io.cuttle.wire.api.TentacleView view(TestFleet fleet) {
    try (ApiClient api = fleet.api()) {
      return api.tentacle("hostile");
    }
  }

  private static PollRequest.Builder poll(TentacleCaller caller) {
    return PollRequest.newBuilder()
        .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
        .setTentacleId(caller.tentacleId)
        .setFreeSlots(1);
  }

  private static ProgressReport output(TentacleCaller caller, String commandId) {
    return ProgressReport.newBuilder()
        .setTentacleId(caller.tentacleId)
        .setCommandId(commandId)
        .addLines(
            LogLine.newBuilder()
                .setSequence(1)
                .setStream(LogLine.Stream.STDOUT)
                .setText("o".repeat(ProgressLimits.MAX_LINE_CHARS)))
        .build();
  }

  private static String assertRefused(Status.Code code, Runnable call) {
    StatusRuntimeException refused = catchThrowableOfType(call::run, StatusRuntimeException.class);
    assertThat(refused).as("the call was refused").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(code);
    assertThat(refused.getStatus().getDescription()).hasSizeLessThan(500);
    return refused.getStatus().getDescription();
  }
}
