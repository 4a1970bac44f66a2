package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.wire.api.LogEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link that goes silent without a FIN or RST (a NAT or firewall that dropped its state) is
 * noticed by the tentacle's heartbeat well under a minute, and the tentacle reconnects and runs the
 * next script.
 */
@Timeout(120)
class DeadLinkTest {
  @Test
  void aSilentLinkIsNoticedWellUnderAMinuteAndTheTentacleComesBack(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        FaultForwarder link =
            new FaultForwarder(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), fleet.publicPort()))) {
      fleet.start(fleet.register("far-away", "https://polling.localhost:" + link.port()));
      await().atMost(Duration.ofSeconds(30)).until(() -> link.accepted() >= 1);
      assertThat(fleet.follow(fleet.runScript("echo before", List.of("far-away"), 60L).id()))
          .extracting(LogEntry::text)
          .containsExactly("before");
      int before = link.accepted();

      link.blackhole();
      long silentSince = System.nanoTime();
      await().atMost(Duration.ofSeconds(90)).until(() -> link.accepted() > before);
      Duration noticedAfter = Duration.ofNanos(System.nanoTime() - silentSince);

      System.out.println("Dead link noticed after " + noticedAfter.toMillis() + " ms");
      assertThat(noticedAfter).isLessThan(Duration.ofSeconds(30));
      assertThat(fleet.follow(fleet.runScript("echo after", List.of("far-away"), 60L).id()))
          .extracting(LogEntry::text)
          .containsExactly("after");
    }
  }
}
