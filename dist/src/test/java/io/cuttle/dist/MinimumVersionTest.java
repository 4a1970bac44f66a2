package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.wire.api.TentacleView;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server flags tentacles older than its minimum version, from what they report. */
@Timeout(90)
class MinimumVersionTest {
  private static TentacleView view(TestFleet fleet, String name) {
    try (var api = fleet.api()) {
      return api.tentacles().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
  }

  @Test
  void aTentacleOlderThanTheMinimumIsShownAsNeedingAnUpgrade(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir, b -> b.minimumTentacleVersion("999.0"))) {
      fleet.start(fleet.register("old-one", true));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !view(fleet, "old-one").capabilities().isEmpty());

      TentacleView old = view(fleet, "old-one");
      assertThat(old.needsUpgrade()).as("version %s < 999.0", old.version()).isTrue();
      assertThat(old.capabilities()).contains("script:bash");
    }
  }

  @Test
  void aCurrentTentacleIsNotFlagged(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir, b -> b.minimumTentacleVersion("0.0.1"))) {
      fleet.start(fleet.register("new-one", true));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !view(fleet, "new-one").capabilities().isEmpty());

      assertThat(view(fleet, "new-one").needsUpgrade()).isFalse();
    }
  }

  @Test
  void aMinimumThatIsNotAVersionIsRefusedAtStart() {
    CommandLineTest.Run run =
        CommandLineTest.cuttle("server", "--minimum-tentacle-version", "latest", "--port", "0");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("--minimum-tentacle-version: 'latest' (expected: a version such as 0.2.0)");
  }
}
