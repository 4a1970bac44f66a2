package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.server.ServerConfig;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.Isolation;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.RunScript;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's promises, once, in order, nothing lost, checked on every database Cuttle runs on: the
 * same migrations and queries must hold on embedded H2 and on PostgreSQL.
 */
abstract class CommandQueueContract {
  private Database database;
  private CommandQueue queue;
  private CommandLog log;
  private TaskStore tasks;
  @TempDir Path secretsDirectory;

  /** Opens the database under test; the second call must see what the first stored. */
  abstract Database openDatabase() throws Exception;

  /** Empties the database before each test, where it outlives one (a shared server). */
  void emptyDatabase() throws Exception {}

  @BeforeEach
  void open() throws Exception {
    emptyDatabase();
    database = openDatabase();
    queue = new CommandQueue(database.jdbi(), new Secrets(secretsDirectory));
    log =
        new CommandLog(
            database.jdbi(),
            new Secrets(secretsDirectory),
            ServerConfig.DEFAULT_MAX_COMMAND_OUTPUT_BYTES);
    tasks = new TaskStore(database.jdbi(), taskId -> {});
    TentacleStore tentacles = new TentacleStore(database.jdbi());
    for (String id : List.of("T-a", "T-b")) {
      TentacleRecord record =
          TestTentacles.record(id, id, (id.equals("T-a") ? "A" : "B").repeat(64), "Dev", List.of());
      database.jdbi().useHandle(h -> tentacles.save(h, record, false));
    }
  }

  @AfterEach
  void close() {
    database.close();
  }

  private Command queue(String taskId, String commandId, String tentacleId, long now) {
    return queue(taskId, commandId, tentacleId, now, Isolation.getDefaultInstance());
  }

  private Command queue(
      String taskId, String commandId, String tentacleId, long now, Isolation isolation) {
    Command command =
        Command.newBuilder()
            .setCommandId(commandId)
            .setRunScript(RunScript.newBuilder().setBody("echo"))
            .setIsolation(isolation)
            .build();
    database
        .jdbi()
        .useTransaction(
            h -> {
              if (tasks.find(taskId).isEmpty()) {
                tasks.create(h, taskId, "test", "test", now);
              }
              queue.enqueue(h, taskId, tentacleId, command, now, now + 60_000);
            });
    return command;
  }

  @Test
  void outputOverTheCapIsReplacedByOneMarkerAndLaterLinesAreCountedButDropped() {
    // "line 1" to "line 9" take 7 bytes each with their line break: five fit in 40.
    CommandLog capped = new CommandLog(database.jdbi(), new Secrets(secretsDirectory), 40);
    queue("K-1", "C-1", "T-a", 100);

    assertThat(capped.append("T-a", "C-1", lines(1, 3), 1))
        .contains(new CommandLog.LogProgress(3, false));
    assertThat(capped.append("T-a", "C-1", lines(4, 7), 2))
        .contains(new CommandLog.LogProgress(7, true));
    assertThat(capped.append("T-a", "C-1", lines(4, 9), 3))
        .as("a resent batch and the lines after it: counted, not stored")
        .contains(new CommandLog.LogProgress(9, true));

    assertThat(tasks.log("K-1", 0, 100))
        .extracting(e -> e.sequence() + ":" + e.stream() + ":" + e.text())
        .containsExactly(
            "1:stdout:line 1",
            "2:stdout:line 2",
            "3:stdout:line 3",
            "4:stdout:line 4",
            "5:stdout:line 5",
            "6:stderr:output truncated: more than 40 bytes of output; the rest was dropped (the"
                + " server keeps at most that much per command: cuttle server"
                + " --max-command-output-mb)");
    assertThat(tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 4)).isTrue();
    assertThat(capped.append("T-a", "C-1", lines(10, 10), 5))
        .as("finished: nothing more is stored")
        .contains(new CommandLog.LogProgress(9, true));
  }

  private Optional<Long> storedThrough(
      String tentacleId, String commandId, List<LogLine> lines, long now) {
    return log.append(tentacleId, commandId, lines, now).map(CommandLog.LogProgress::storedThrough);
  }

  private static List<LogLine> lines(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(
            i ->
                LogLine.newBuilder()
                    .setSequence(i)
                    .setStream(LogLine.Stream.STDOUT)
                    .setText("line " + i)
                    .build())
        .toList();
  }

  private TentacleRecord tentacle(String id) {
    return new TentacleStore(database.jdbi()).findById(id).orElseThrow();
  }

  @Test
  void aHealthCheckIsPendingOnceAndGoesOutBesideAScriptThatRunsAlone() {
    queue("K-1", "C-1", "T-a", 100);
    assertThat(queue.claimNext("T-a", Route.ROUTER, 1000, 0)).isPresent();
    HealthCheckStore checks = new HealthCheckStore(database.jdbi(), queue, tasks);

    HealthCheckStore.Queued first =
        checks.queue(List.of(tentacle("T-a"), tentacle("T-b")), "test", 1000, 60_000);
    HealthCheckStore.Queued second =
        checks.queue(List.of(tentacle("T-a"), tentacle("T-b")), "test", 1001, 60_000);

    assertThat(first.queued()).extracting(TentacleRecord::id).containsExactly("T-a", "T-b");
    assertThat(second.taskId()).as("nothing new to queue, so no task").isNull();
    assertThat(second.pending()).extracting(TentacleRecord::id).containsExactly("T-a", "T-b");
    assertThat(queue.claimNext("T-a", Route.ROUTER, 1002, 0))
        .as("the check is not handed out as ordinary work")
        .isEmpty();
    Optional<Command> check = queue.claimHealthCheck("T-a", Route.ROUTER, 1002, 0);
    assertThat(check)
        .as("while C-1, which runs alone, is still out")
        .map(Command::hasHealthCheck)
        .contains(true);

    queue.recordHealthReport("T-a", check.get().getCommandId(), 42, "facts");
    tasks.finishCommand("T-a", check.get().getCommandId(), CommandState.SUCCEEDED, 0, null, 1003);

    assertThat(checks.isPending("T-a")).isFalse();
    assertThat(checks.isPending("T-b")).isTrue();
    assertThat(checks.latestFinished("T-a"))
        .hasValueSatisfying(
            latest -> {
              assertThat(latest.taskId()).isEqualTo(first.taskId());
              assertThat(latest.freeDiskBytes()).isEqualTo(42L);
              assertThat(latest.details()).isEqualTo("facts");
            });
    assertThat(checks.lastQueued()).containsEntry("T-a", 1000L).containsEntry("T-b", 1000L);
    assertThat(checks.queue(List.of(tentacle("T-a")), "test", 1004, 60_000).queued())
        .as("a new check once the last has ended")
        .hasSize(1);
  }

  @Test
  void handsOutCommandsOldestFirstAndOnlyToTheirTentacle() {
    queue("K-1", "C-1", "T-a", 100);
    queue("K-1", "C-2", "T-a", 200);
    queue("K-1", "C-3", "T-b", 50);

    assertThat(queue.claimNext("T-a", Route.ROUTER, 1000, 0))
        .map(Command::getCommandId)
        .contains("C-1");
    assertThat(queue.claimNext("T-a", Route.ROUTER, 1000, 0))
        .as("C-2 runs alone, so not while C-1 is out")
        .isEmpty();
    tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 1000);
    assertThat(queue.claimNext("T-a", Route.ROUTER, 1000, 0))
        .map(Command::getCommandId)
        .contains("C-2");
    assertThat(queue.claimNext("T-a", Route.ROUTER, 1000, 0)).isEmpty();
  }

  private static Isolation concurrent(String mutex) {
    return Isolation.newBuilder().setAllowConcurrency(true).setMutex(mutex).build();
  }

  private List<String> claimAll(String tentacleId) {
    List<String> claimed = new java.util.ArrayList<>();
    for (Optional<Command> c = queue.claimNext(tentacleId, Route.ROUTER, 1000, 0);
        c.isPresent();
        c = queue.claimNext(tentacleId, Route.ROUTER, 1000, 0)) {
      claimed.add(c.get().getCommandId());
    }
    return claimed;
  }

  @Test
  void commandsAllowingConcurrencyGoOutTogetherButNeverTwoOfOneMutex() {
    queue("K-1", "C-1", "T-a", 100, concurrent(""));
    queue("K-1", "C-2", "T-a", 200, concurrent("db"));
    queue("K-1", "C-3", "T-a", 300, concurrent("db"));
    queue("K-1", "C-4", "T-a", 400, concurrent("web"));
    queue("K-1", "C-5", "T-b", 500, concurrent("db"));

    assertThat(claimAll("T-a"))
        .as("C-3 waits for C-2's mutex")
        .containsExactly("C-1", "C-2", "C-4");
    assertThat(claimAll("T-b")).as("a mutex is per tentacle").containsExactly("C-5");

    tasks.finishCommand("T-a", "C-2", CommandState.SUCCEEDED, 0, null, 1000);
    assertThat(claimAll("T-a")).containsExactly("C-3");
  }

  @Test
  void aCommandThatRunsAloneWaitsForTheOthersAndIsNotOvertaken() {
    queue("K-1", "C-1", "T-a", 100, concurrent(""));
    queue("K-1", "C-2", "T-a", 200);
    queue("K-1", "C-3", "T-a", 300, concurrent(""));

    assertThat(claimAll("T-a")).as("C-3 may not pass the waiting C-2").containsExactly("C-1");
    tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 1000);
    assertThat(claimAll("T-a")).as("C-2 alone").containsExactly("C-2");
    tasks.finishCommand("T-a", "C-2", CommandState.SUCCEEDED, 0, null, 1000);
    assertThat(claimAll("T-a")).containsExactly("C-3");
  }

  @Test
  void manyPollsAtOnceNeverHandOutTwoCommandsThatMustRunAlone() throws Exception {
    for (int i = 0; i < 6; i++) {
      queue("K-1", "C-" + i, "T-a", 100 + i);
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      List<java.util.concurrent.Future<Optional<Command>>> claims = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        claims.add(pool.submit(() -> queue.claimNext("T-a", Route.ROUTER, 1000, 0)));
      }
      long handedOut = 0;
      for (var claim : claims) {
        handedOut += claim.get(30, java.util.concurrent.TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      assertThat(handedOut).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anUnacknowledgedDispatchIsHandedOutAgainOnlyAfterTheRedeliveryWait() {
    queue("K-1", "C-1", "T-a", 100);
    assertThat(queue.claimNext("T-a", Route.LEGACY, 1000, 0)).isPresent();

    assertThat(queue.claimNext("T-a", Route.LEGACY, 1500, 999)).as("too soon").isEmpty();
    assertThat(queue.claimNext("T-a", Route.LEGACY, 40_000, 10_000))
        .map(Command::getCommandId)
        .contains("C-1");

    assertThat(queue.acknowledge("T-a", "C-1", 40_001)).isEqualTo(CommandQueue.AckOutcome.PROCEED);
    assertThat(queue.claimNext("T-a", Route.LEGACY, 90_000, 80_000))
        .as("running: never redelivered")
        .isEmpty();
  }

  @Test
  void anAcknowledgementRepeatedAfterALostAnswerProceedsAndStaysRunning() {
    queue("K-1", "C-1", "T-a", 100);
    queue.claimNext("T-a", Route.LEGACY, 1000, 0);
    assertThat(queue.acknowledge("T-a", "C-1", 1100)).isEqualTo(CommandQueue.AckOutcome.PROCEED);

    // The answer was lost with its connection; the tentacle asks again on a new one.
    assertThat(queue.acknowledge("T-a", "C-1", 9000)).isEqualTo(CommandQueue.AckOutcome.PROCEED);
    assertThat(queue.acknowledge("T-b", "C-1", 9001))
        .as("another tentacle's command")
        .isEqualTo(CommandQueue.AckOutcome.UNKNOWN);
    assertThat(queue.claimNext("T-a", Route.LEGACY, 90_000, 80_000))
        .as("still running: never redelivered")
        .isEmpty();
  }

  @Test
  void aReleasedClaimIsAvailableAtOnce() {
    queue("K-1", "C-1", "T-a", 100);
    queue.claimNext("T-a", Route.ROUTER, 1000, 0);

    queue.release("C-1");

    assertThat(queue.claimNext("T-a", Route.ROUTER, 1001, 0))
        .map(Command::getCommandId)
        .contains("C-1");
  }

  @Test
  void aReaderPagingByCursorMissesNoLineWhileTwoTargetsWriteAtOnce() throws Exception {
    queue("K-1", "C-1", "T-a", 100);
    queue("K-1", "C-2", "T-b", 100);
    int batches = 150;
    int perBatch = 5;
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ExecutorService writers =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = writers.submit(() -> writeBatches("T-a", "C-1", batches, perBatch));
      var second = writers.submit(() -> writeBatches("T-b", "C-2", batches, perBatch));
      java.util.Set<String> seen = new java.util.HashSet<>();
      long after = 0;
      while (writing.get()) {
        writing.set(!(first.isDone() && second.isDone()));
        for (var entry : tasks.log("K-1", after, 50)) {
          assertThat(seen.add(entry.commandId() + ":" + entry.sequence())).isTrue();
          after = entry.cursor();
        }
      }
      first.get();
      second.get();
      for (var entry : tasks.log("K-1", after, 10_000)) {
        seen.add(entry.commandId() + ":" + entry.sequence());
      }
      assertThat(seen).as("every stored line, seen once by paging").hasSize(2 * batches * perBatch);
    } finally {
      writers.shutdownNow();
    }
  }

  private Void writeBatches(String tentacle, String command, int batches, int perBatch) {
    for (int b = 0; b < batches; b++) {
      long from = (long) b * perBatch + 1;
      log.append(tentacle, command, lines(from, from + perBatch - 1), b);
    }
    return null;
  }

  @Test
  void logLinesAreStoredOnceAndOnlyWithoutGaps() {
    queue("K-1", "C-1", "T-a", 100);

    assertThat(storedThrough("T-a", "C-1", lines(1, 3), 1)).contains(3L);
    assertThat(storedThrough("T-a", "C-1", lines(1, 5), 2))
        .as("a resent batch adds only what is new")
        .contains(5L);
    assertThat(storedThrough("T-a", "C-1", lines(8, 9), 3)).as("a gap is not stored").contains(5L);
    assertThat(log.append("T-b", "C-1", lines(6, 6), 4))
        .as("not this tentacle's command")
        .isEmpty();

    assertThat(tasks.log("K-1", 0, 100))
        .extracting(e -> e.sequence() + ":" + e.text())
        .containsExactly("1:line 1", "2:line 2", "3:line 3", "4:line 4", "5:line 5");
  }

  @Test
  void theFirstResultWinsAndTheTaskClosesWhenItsLastCommandEnds() {
    queue("K-1", "C-1", "T-a", 100);
    queue("K-1", "C-2", "T-b", 100);

    assertThat(tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 10)).isTrue();
    assertThat(tasks.find("K-1")).map(t -> t.state()).contains(TaskState.RUNNING);
    tasks.finishCommand("T-a", "C-1", CommandState.FAILED, 9, "late duplicate", 11);
    tasks.finishCommand("T-b", "C-2", CommandState.FAILED, 2, "the script exited with code 2", 12);

    var task = tasks.find("K-1").orElseThrow();
    assertThat(task.state()).isEqualTo(TaskState.FAILED);
    assertThat(task.targets())
        .filteredOn(t -> t.commandId().equals("C-1"))
        .singleElement()
        .satisfies(t -> assertThat(t.exitCode()).isZero());
    assertThat(queue.acknowledge("T-a", "C-1", 20))
        .as("finished: do not run")
        .isEqualTo(CommandQueue.AckOutcome.DROP);
    assertThat(tasks.finishCommand("T-b", "C-1", CommandState.SUCCEEDED, 0, null, 13))
        .as("another tentacle cannot report for it")
        .isFalse();
  }

  @Test
  void cancellingEndsCommandsNotYetStartedAtOnceAndTheirTentacleIsToldNotToProceed() {
    queue("K-1", "C-1", "T-a", 100);
    queue("K-1", "C-2", "T-b", 100);
    assertThat(queue.claimNext("T-b", Route.ROUTER, 1000, 0))
        .as("dispatched, not acked")
        .isPresent();
    Cancellations cancellations = new Cancellations(database.jdbi());

    var outcome = cancellations.cancelTask("K-1", "alice", 2000).orElseThrow();

    assertThat(outcome.stateBefore()).isEqualTo("RUNNING");
    assertThat(outcome.tentaclesToTell()).as("nothing was running").isEmpty();
    var task = tasks.find("K-1").orElseThrow();
    assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    assertThat(task.targets())
        .allSatisfy(
            t -> {
              assertThat(t.state()).isEqualTo(CommandState.CANCELLED);
              assertThat(t.message()).contains("cancelled by alice before its tentacle started it");
            });
    assertThat(queue.claimNext("T-a", Route.ROUTER, 3000, 3000)).isEmpty();
    assertThat(queue.acknowledge("T-b", "C-2", 3000)).isEqualTo(CommandQueue.AckOutcome.DROP);
    assertThat(cancellations.cancelTask("K-nope", "alice", 1)).isEmpty();
    assertThat(cancellations.cancelTask("K-1", "alice", 4000))
        .map(Cancellations.Outcome::stateBefore)
        .as("again: harmless")
        .contains("CANCELLED");
  }

  @Test
  void aRunningCommandGetsARequestItsTentacleCollectsOnceUntilTheResendWait() {
    queue("K-1", "C-1", "T-a", 100);
    queue.claimNext("T-a", Route.ROUTER, 1000, 0);
    queue.acknowledge("T-a", "C-1", 1100);
    Cancellations cancellations = new Cancellations(database.jdbi());

    assertThat(cancellations.cancelTask("K-1", "bob", 2000).orElseThrow().tentaclesToTell())
        .containsExactly("T-a");

    assertThat(tasks.find("K-1").orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    assertThat(cancellations.claimFor("T-b", 2100, 0)).isEmpty();
    assertThat(cancellations.claimFor("T-a", 2100, 0)).containsExactly("C-1");
    assertThat(cancellations.claimFor("T-a", 2200, 0)).as("sent already").isEmpty();
    cancellations.release(List.of("C-1"));
    assertThat(cancellations.claimFor("T-a", 2300, 0)).as("released").containsExactly("C-1");
    assertThat(cancellations.claimFor("T-a", 40_000, 10_000)).as("resent").containsExactly("C-1");

    tasks.finishCommand("T-a", "C-1", CommandState.CANCELLED, null, "cancelled: killed", 41_000);
    tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 41_001);

    var task = tasks.find("K-1").orElseThrow();
    assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
    assertThat(task.targets().get(0).state())
        .as("first result wins")
        .isEqualTo(CommandState.CANCELLED);
    assertThat(cancellations.claimFor("T-a", 90_000, 80_000)).as("finished").isEmpty();
  }

  @Test
  void aScriptThatEndsBeforeItsCancelArrivesKeepsItsOwnOutcome() {
    queue("K-1", "C-1", "T-a", 100);
    queue.claimNext("T-a", Route.ROUTER, 1000, 0);
    queue.acknowledge("T-a", "C-1", 1100);
    Cancellations cancellations = new Cancellations(database.jdbi());
    cancellations.cancelTask("K-1", "bob", 2000);

    tasks.finishCommand("T-a", "C-1", CommandState.SUCCEEDED, 0, null, 2100);
    tasks.finishCommand("T-a", "C-1", CommandState.CANCELLED, null, "cancelled", 2200);

    assertThat(tasks.find("K-1").orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(cancellations.cancelTask("K-1", "bob", 3000))
        .map(Cancellations.Outcome::stateBefore)
        .contains("SUCCEEDED");
    assertThat(tasks.find("K-1").orElseThrow().state()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void everythingSurvivesReopeningTheDatabase() throws Exception {
    queue("K-1", "C-1", "T-a", 100);
    database.close();

    database = openDatabase();
    queue = new CommandQueue(database.jdbi(), new Secrets(secretsDirectory));

    Optional<Command> claimed = queue.claimNext("T-a", Route.ROUTER, 1000, 0);
    assertThat(claimed).map(Command::getCommandId).contains("C-1");
  }

  @Test
  void aSecondCertificateIsTrustedUntilUsedThenTheFirstIsRetired() {
    TentacleStore tentacles = new TentacleStore(database.jdbi());
    String a = "A".repeat(64);
    String b = "B".repeat(64);
    String c = "C".repeat(64);

    assertThat(tentacles.addNextThumbprint("T-a", a, b))
        .as("T-b's certificate cannot become T-a's")
        .isEqualTo(TentacleStore.AddOutcome.TAKEN);
    assertThat(tentacles.addNextThumbprint("T-a", c, "D".repeat(64)))
        .as("only with the current certificate")
        .isEqualTo(TentacleStore.AddOutcome.STALE);
    assertThat(tentacles.addNextThumbprint("T-a", a, c)).isEqualTo(TentacleStore.AddOutcome.ADDED);
    assertThat(tentacles.findByThumbprint(a)).map(TentacleRecord::id).contains("T-a");
    assertThat(tentacles.findByThumbprint(c)).map(TentacleRecord::id).contains("T-a");
    assertThat(tentacles.addNextThumbprint("T-b", b, c))
        .as("a pending certificate is taken too")
        .isEqualTo(TentacleStore.AddOutcome.TAKEN);

    assertThat(tentacles.promoteNextThumbprint("T-a", c)).contains(a);
    assertThat(tentacles.promoteNextThumbprint("T-a", c)).as("once").isEmpty();
    assertThat(tentacles.findByThumbprint(a)).isEmpty();
    assertThat(tentacles.findById("T-a")).map(TentacleRecord::thumbprint).contains(c);
    assertThat(tentacles.nextThumbprint("T-a")).isEmpty();
  }
}
