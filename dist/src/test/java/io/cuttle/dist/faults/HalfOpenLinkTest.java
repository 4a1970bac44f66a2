package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.TestFleet;
import io.cuttle.wire.api.LogEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link that goes silent without a FIN or RST (a NAT or firewall that dropped its state) is
 * noticed by the tentacle's heartbeat well under a minute; the tentacle reconnects, delivers the
 * rest of the log of the script that was streaming when the link died, once and in order, and runs
 * the next script.
 */
@Timeout(120)
class HalfOpenLinkTest {
  @Test
  void aSilentLinkIsNoticedWellUnderAMinuteAndTheTentacleComesBack(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        FaultForwarder link = FaultForwarder.toLoopback(fleet.publicPort())) {
      fleet.start(fleet.register("far-away", "https://polling.localhost:" + link.port()));
      await().atMost(Duration.ofSeconds(30)).until(() -> link.accepted() >= 1);
      assertThat(fleet.follow(fleet.runScript("echo before", List.of("far-away"), 60L).id()))
          .extracting(LogEntry::text)
          .containsExactly("before");
      ExactlyOnce streaming = ExactlyOnce.script(dir, "streaming", 30, "0.1");
      String task = fleet.runScript(streaming.source(), List.of("far-away"), 60L).id();
      await().atMost(Duration.ofSeconds(30)).until(() -> ExactlyOnce.linesStored(fleet, task) >= 5);
      int before = link.accepted();

      link.blackhole();
      long silentSince = System.nanoTime();
      await().atMost(Duration.ofSeconds(90)).until(() -> link.accepted() > before);
      Duration noticedAfter = Duration.ofNanos(System.nanoTime() - silentSince);

      System.out.println("Dead link noticed after " + noticedAfter.toMillis() + " ms");
      assertThat(noticedAfter).isLessThan(Duration.ofSeconds(30));
      streaming.assertRanOnce(fleet, task);
      ExactlyOnce after = ExactlyOnce.script(dir, "after", 3, "0");
      after.assertRanOnce(fleet, fleet.runScript(after.source(), List.of("far-away"), 60L).id());
    }
  }
}
