package io.cuttle.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.server.ShiftedClock;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.Database;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.data.TestTentacles;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.packages.PackageUsage;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.RunScript;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the database is unavailable no tentacle can be seen, so the sweep holds nothing of that
 * time against them: for a silence timeout after it is back it fails no command, then it does
 * again.
 */
class TaskEngineAfterOutageTest {
  private static final Duration SILENCE = Duration.ofMinutes(3);
  private static final Duration NOT_IN_THIS_TEST = Duration.ofHours(1);

  @TempDir Path data;
  private final ShiftedClock clock = new ShiftedClock();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private Database database;
  private DatabaseAvailability availability;
  private TaskStore tasks;
  private TaskEngine engine;

  @BeforeEach
  void start() throws Exception {
    database = Database.open(Database.embeddedUrl(data), null, null);
    availability = DatabaseAvailability.watch(() -> {}, clock, NOT_IN_THIS_TEST);
    TentacleStore tentacles = new TentacleStore(database.jdbi());
    tasks = new TaskStore(database.jdbi(), taskId -> {});
    CommandQueue queue = new CommandQueue(database.jdbi(), new Secrets(data));
    engine =
        new TaskEngine(
            tentacles,
            tasks,
            queue,
            new PackageStore(
                database.jdbi(), data.resolve("packages"), 1024, PackageUsage.NONE, clock),
            new PollWaiters(),
            clock,
            new TaskEngine.Timing(Duration.ofHours(1), SILENCE, NOT_IN_THIS_TEST),
            availability,
            scheduler);

    database
        .jdbi()
        .useHandle(
            h ->
                tentacles.save(
                    h,
                    TestTentacles.record("T-a", "web-1", "A".repeat(64), "Dev", List.of()),
                    false));
    long now = clock.millis();
    database
        .jdbi()
        .useTransaction(
            h -> {
              tasks.create(h, "K-1", "test", "test", now);
              queue.enqueue(
                  h,
                  "K-1",
                  "T-a",
                  Command.newBuilder()
                      .setCommandId("C-1")
                      .setRunScript(RunScript.newBuilder().setBody("sleep 600"))
                      .build(),
                  now,
                  now + Duration.ofHours(1).toMillis());
            });
    tentacles.recordContact("T-a", now, Route.LEGACY, "127.0.0.1", "1", List.of(), "test", null);
    queue.claimNext("T-a", Route.LEGACY, now, 0);
    queue.acknowledge("T-a", "C-1", now);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    availability.close();
    database.close();
  }

  @Test
  void aTentacleUnseenThroughAnOutageGetsASilenceTimeoutAfterItBeforeItsCommandFails() {
    availability.failed(new SQLTransientConnectionException("Connection is not available"));
    clock.offsetMillis.set(SILENCE.plusMinutes(1).toMillis());
    availability.probeOnce(); // the database is back, a minute past the tentacle's timeout

    engine.sweep();
    assertThat(state()).as("just back").isEqualTo(CommandState.RUNNING);

    clock.offsetMillis.addAndGet(SILENCE.minusSeconds(1).toMillis());
    engine.sweep();
    assertThat(state())
        .as("back for less than the silence timeout")
        .isEqualTo(CommandState.RUNNING);

    clock.offsetMillis.addAndGet(Duration.ofSeconds(2).toMillis());
    engine.sweep();
    assertThat(state()).as("silent for a silence timeout since").isEqualTo(CommandState.FAILED);
  }

  @Test
  void withoutAnOutageASilentTentaclesCommandFailsAtItsTimeout() {
    clock.offsetMillis.set(SILENCE.plusSeconds(1).toMillis());

    engine.sweep();

    assertThat(state()).isEqualTo(CommandState.FAILED);
  }

  private CommandState state() {
    return tasks.find("K-1").orElseThrow().targets().get(0).state();
  }
}
