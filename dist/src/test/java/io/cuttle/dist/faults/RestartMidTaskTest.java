package io.cuttle.dist.faults;

import static org.awaitility.Awaitility.await;

import io.cuttle.dist.Routers;
import io.cuttle.dist.TestFleet;
import io.cuttle.router.RouterServer;
import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stands between a tentacle and its server goes away while a script streams its log: the
 * server restarts, or the standalone router does, or the link from router to server is cut. The
 * script runs on, its log arrives once and in order, and its result is recorded once. (A tentacle
 * restarted mid-script is EndToEndTest's: the result is reported unknown, never run again.)
 */
@Timeout(120)
class RestartMidTaskTest {
  @TempDir Path dir;

  @Test
  void aServerRestartedMidScriptLosesNothing() throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("steady", true));
      ExactlyOnce script = ExactlyOnce.script(dir, "through-restart", 30, "0.1");
      String task = fleet.runScript(script.source(), List.of("steady"), 60L).id();
      awaitLines(fleet, task, 5);

      fleet.restartServer();

      script.assertRanOnce(fleet, task);
    }
  }

  @Test
  void aRouterRestartedAndItsLinkToTheServerCutMidScriptLoseNothing() throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        FaultForwarder routerToServer = FaultForwarder.toLoopback(fleet.legacyPort())) {
      RouterFile config = routerFile(TestFleet.freePort(), routerToServer.port());
      RouterServer router = RouterServer.start(config.router());
      try {
        int routerPort = config.router().listeners().get(0).getPort();
        fleet.start(fleet.register("routed", "https://polling.localhost:" + routerPort));
        ExactlyOnce script = ExactlyOnce.script(dir, "through-router", 40, "0.1");
        String task = fleet.runScript(script.source(), List.of("routed"), 60L).id();
        awaitLines(fleet, task, 5);

        router.close();
        router = Routers.startWhenPortIsFree(config);
        awaitLines(fleet, task, 15);
        routerToServer.resetAll();

        script.assertRanOnce(fleet, task);
      } finally {
        router.close();
      }
    }
  }

  private static RouterFile routerFile(int routerPort, int serverPort) throws Exception {
    return RouterFileParser.parse(
        "router.yaml",
        """
        listen: 127.0.0.1:%d
        upstreams:
          polling: { endpoints: [127.0.0.1:%d] }
        routes:
          - { name: polling, sni: polling.localhost, polling: true, upstream: polling }
        """
            .formatted(routerPort, serverPort));
  }

  private static void awaitLines(TestFleet fleet, String task, int lines) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ExactlyOnce.linesStored(fleet, task) >= lines);
  }
}
