package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.CommandLineTest.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle node list} on a real server with its embedded database and a polling tentacle. */
@Timeout(120)
class NodeCommandTest {
  @TempDir Path dir;

  @Test
  void listsTheServerAsTheOnlineNodeThatAnsweredWithTheTentaclePollingIt() throws Exception {
    try (TestFleet fleet = new TestFleet(dir, b -> b.nodeHeartbeat(Duration.ofMillis(300)))) {
      fleet.start(fleet.register("node-cli-1", true));
      Pattern line =
          Pattern.compile(
              "(?m)^\\* "
                  + Pattern.quote(fleet.server.nodeName())
                  + " +ONLINE +version \\S+ +"
                  + Pattern.quote("https://127.0.0.1:" + fleet.server.publicPort())
                  + " +1 tentacles polling \\(\\d+ polls\\), started \\S+, last seen \\S+$");

      Run listed =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      cuttle(
                          "node",
                          "list",
                          "--server",
                          fleet.server.info().webUrl(),
                          "--api-key",
                          fleet.server.adminApiKey()),
                  run -> run.exitCode() == 0 && line.matcher(run.out()).find());

      assertThat(listed.out()).endsWith("* answered this request" + System.lineSeparator());
    }
  }
}
