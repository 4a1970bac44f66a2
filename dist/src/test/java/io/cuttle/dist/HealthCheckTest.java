package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.server.ShiftedClock;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckStarted;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.TentacleStatus;
import io.cuttle.wire.api.TentacleView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks end to end, with a real server and real tentacles through both routes: the schedule
 * marks tentacles online with what they reported, a check on demand runs beside a long script, a
 * stopped tentacle shows offline, and a check that finds a problem says what it is.
 */
@Timeout(180)
class HealthCheckTest {

  private static TentacleView view(TestFleet fleet, String name) {
    try (ApiClient api = fleet.api()) {
      return api.tentacle(name);
    }
  }

  private static TentacleView checkedSince(TestFleet fleet, String name, long since) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              TentacleView t = view(fleet, name);
              return t.lastHealthCheck() != null && t.lastHealthCheck().queuedMillis() >= since;
            });
    return view(fleet, name);
  }

  @Test
  void scheduledAndOnDemandChecksMarkTentaclesOnlineEvenBesideALongScript(@TempDir Path dir)
      throws Exception {
    ShiftedClock clock = new ShiftedClock();
    try (TestFleet fleet =
        new TestFleet(
            dir,
            b ->
                b.healthCheckInterval(Duration.ofSeconds(3))
                    .minimumFreeDiskBytes(0)
                    .pickupTimeout(Duration.ofMinutes(30))
                    .silenceTimeout(Duration.ofMinutes(30))
                    .clock(clock))) {
      long start = clock.millis();
      fleet.start(fleet.register("hc-router-1", true));
      TentacleAgent legacy = fleet.start(fleet.register("hc-legacy-1", false));

      for (String name : List.of("hc-router-1", "hc-legacy-1")) {
        TentacleView checked = checkedSince(fleet, name, start);
        assertThat(checked.status()).as(checked.problem()).isEqualTo(TentacleStatus.ONLINE);
        assertThat(checked.problem()).isNull();
        assertThat(checked.lastHealthCheck().state()).isEqualTo(CommandState.SUCCEEDED);
        assertThat(checked.lastHealthCheck().freeDiskBytes()).isPositive();
        assertThat(checked.lastHealthCheck().details())
            .contains("version " + TentacleAgent.VERSION)
            .contains("MiB free on the disk of " + fleet.home(name).directory().toAbsolutePath())
            .contains("bash");
      }

      TaskView longScript = fleet.runScript("sleep 120", List.of("hc-legacy-1"), 60L);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> fleet.task(longScript.id()).targets().get(0).state() == CommandState.RUNNING);
      long asked = clock.millis();
      try (ApiClient api = fleet.api()) {
        HealthCheckStarted started =
            api.checkHealth(new HealthCheckRequest(null, null, List.of("hc-legacy-1")));
        assertThat(started.notCapable()).isEmpty();
        assertThat(List.of(started.queued(), started.alreadyPending()))
            .as("queued now, or by the schedule a moment ago")
            .anySatisfy(names -> assertThat(names).containsExactly("hc-legacy-1"));
      }
      TentacleView duringScript = checkedSince(fleet, "hc-legacy-1", asked);
      assertThat(duringScript.lastHealthCheck().state()).isEqualTo(CommandState.SUCCEEDED);
      assertThat(fleet.task(longScript.id()).state())
          .as("the check did not wait for the script")
          .isEqualTo(TaskState.RUNNING);
      try (ApiClient api = fleet.api()) {
        api.cancel(longScript.id());
      }

      legacy.close();
      clock.offsetMillis.addAndGet(Duration.ofMinutes(2).toMillis());
      TentacleView stopped = view(fleet, "hc-legacy-1");
      assertThat(stopped.status()).isEqualTo(TentacleStatus.OFFLINE);
      assertThat(stopped.problem()).contains("not in contact since");
      assertThat(view(fleet, "hc-router-1").status())
          .as("still polling, so still online")
          .isEqualTo(TentacleStatus.ONLINE);
    }
  }

  @Test
  void aCheckFindingTooLittleDiskMarksTheTentacleUnhealthyAndTheCommandLineSaysWhy(
      @TempDir Path dir) throws Exception {
    try (TestFleet fleet =
        new TestFleet(
            dir, b -> b.healthCheckInterval(Duration.ZERO).minimumFreeDiskBytes(Long.MAX_VALUE))) {
      fleet.start(fleet.register("hc-full-1", true));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> view(fleet, "hc-full-1").capabilities().contains("health-check"));
      assertThat(view(fleet, "hc-full-1").lastHealthCheck())
          .as("no schedule, so no check before one is asked for")
          .isNull();

      Run run =
          cuttle(
              "fleet",
              "health-check",
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              fleet.server.adminApiKey(),
              "hc-full-1");

      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.out())
          .contains("health check of hc-full-1")
          .containsPattern("hc-full-1 +UNHEALTHY")
          .contains("MiB free on the disk of the tentacle's home, below the server's minimum")
          .contains("last health check: version " + TentacleAgent.VERSION);
      TentacleView unhealthy = view(fleet, "hc-full-1");
      assertThat(unhealthy.status()).isEqualTo(TentacleStatus.UNHEALTHY);
      assertThat(unhealthy.problem()).contains("free some space, then check again");

      Run listed =
          cuttle(
              "fleet",
              "list",
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              fleet.server.adminApiKey());
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.out()).containsPattern("hc-full-1 +UNHEALTHY +version ");
    }
  }
}
