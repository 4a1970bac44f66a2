package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.TestFleet;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link between a tentacle and the server's public port is cut at each step of a command's life
 * (collecting it, acknowledging it, streaming its output, reporting its result): every time the
 * command runs once, ends recorded once, and its log arrives whole and in order.
 *
 * <p>Polls are held long here, so that between two faults the only traffic on the link is the
 * command's own: the forwarder's faults are about bytes, and this keeps them aimed.
 */
@Timeout(120)
class ConnectionCutTest {
  private static final String TENTACLE = "cut-off";
  private static final Duration REDELIVER_AFTER = Duration.ofSeconds(2);

  @TempDir Path dir;
  private TestFleet fleet;
  private FaultForwarder link;

  @BeforeEach
  void startFleetBehindTheForwarder() throws Exception {
    fleet =
        new TestFleet(
            dir,
            b ->
                b.pollWait(Duration.ofSeconds(40))
                    .silenceTimeout(Duration.ofSeconds(90))
                    .redeliverAfter(REDELIVER_AFTER));
    link = FaultForwarder.toLoopback(fleet.publicPort());
    fleet.start(fleet.register(TENTACLE, "https://polling.localhost:" + link.port()));
    // One command end to end first: the tentacle is connected and its polls are waiting.
    ExactlyOnce warmUp = ExactlyOnce.script(dir, "warm-up", 1, "0");
    warmUp.assertRanOnce(fleet, run(warmUp).id());
  }

  @AfterEach
  void stop() throws Exception {
    link.close();
    fleet.close();
  }

  @Test
  void aCommandCutOffWhileBeingCollectedIsDeliveredAgainAndRunsOnce() throws Exception {
    ExactlyOnce script = ExactlyOnce.script(dir, "collected", 3, "0");
    link.holdBackTail(8);
    TaskView task = run(script);
    await().atMost(Duration.ofSeconds(30)).until(() -> link.tailsHeld() == 1);
    // Cut once the server would hand the command out again (TestFleet's redeliverAfter): the
    // tentacle's first polls on the new connection then bring it, rather than waiting a long poll.
    Thread.sleep(REDELIVER_AFTER.toMillis());

    link.resetAll();
    link.releaseHeld();

    script.assertRanOnce(fleet, task.id());
  }

  @Test
  void aLostAcknowledgementAnswerIsAskedAgainAndTheCommandRunsOnce() throws Exception {
    ExactlyOnce script = ExactlyOnce.script(dir, "acknowledged", 3, "0");
    // The next bytes from the tentacle are its acknowledgement of the command below.
    link.dropAnswersAfterNextRequest();
    TaskView task = run(script);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(task) == CommandState.RUNNING);
    assertThat(Files.exists(script.runs()))
        .as("the tentacle has not heard the server's answer yet")
        .isFalse();

    link.resetAll();

    script.assertRanOnce(fleet, task.id());
  }

  @Test
  void cutsWhileTheLogStreamsLoseAndRepeatNoLine() throws Exception {
    ExactlyOnce script = ExactlyOnce.script(dir, "streaming", 40, "0.05");
    TaskView task = run(script);
    for (int cut = 1; cut <= 3; cut++) {
      int linesBefore = cut * 8;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ExactlyOnce.linesStored(fleet, task.id()) >= linesBefore);
      link.resetAll();
    }

    script.assertRanOnce(fleet, task.id());
  }

  @Test
  void aCutWhileTheResultIsReportedIsReportedAgainAndRecordedOnce() throws Exception {
    Path go = dir.resolve("go");
    ExactlyOnce script = ExactlyOnce.script(dir, "reported", 1, "0");
    TaskView task =
        fleet.runScript(
            script.source() + "\nwhile [ ! -e '" + go + "' ]; do sleep 0.05; done",
            List.of(TENTACLE),
            60L);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ExactlyOnce.linesStored(fleet, task.id()) == 1);
    long sentBefore = link.bytesTowardServer();
    link.pause();
    Files.createFile(go);
    await().atMost(Duration.ofSeconds(30)).until(() -> link.bytesTowardServer() > sentBefore);

    link.resetAll();
    link.resume();

    script.assertRanOnce(fleet, task.id());
  }

  private TaskView run(ExactlyOnce script) {
    return fleet.runScript(script.source(), List.of(TENTACLE), 60L);
  }

  private CommandState state(TaskView task) {
    return fleet.task(task.id()).targets().get(0).state();
  }
}
