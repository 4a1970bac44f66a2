package io.cuttle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the server-scale bench, so it keeps working: a real server and router process and a
 * few simulated tentacles with their own certificates. It checks that every figure was produced and
 * is sane, never how fast.
 */
@Timeout(300)
class ServerScaleSmokeTest {
  @Test
  void aSmallFleetYieldsEveryFigure(@TempDir Path dir) throws Exception {
    ServerScaleBench.Settings tiny =
        // Three per router: two router processes share the port, as for 10,000 with 8,000 each.
        new ServerScaleBench.Settings(List.of(5), 5, Duration.ofSeconds(1), 3, 2, 3);

    ServerScaleFigures figures = ServerScaleBench.run(tiny, 5, dir, line -> {});

    assertThat(figures.tentacles()).isEqualTo(5);
    assertThat(figures.idleDispatchP50Nanos()).isPositive();
    assertThat(figures.idleDispatchP99Nanos())
        .isGreaterThanOrEqualTo(figures.idleDispatchP50Nanos());
    assertThat(figures.loadDispatchP50Nanos()).isPositive();
    assertThat(figures.loadDispatchP99Nanos())
        .isGreaterThanOrEqualTo(figures.loadDispatchP50Nanos());
    assertThat(figures.commandsPerSecond()).isPositive().isFinite();
    assertThat(figures.commandsNotReceived()).isZero();
    assertThat(figures.connect()).isPositive();
    assertThat(figures.reconnect()).isPositive();
    assertThat(figures.refusalsDuringReconnect()).as("the server refused no tentacle").isZero();
    assertThat(figures.serverAlive()).isTrue();
    assertThat(figures.render()).contains("no-op commands per second");
  }
}
