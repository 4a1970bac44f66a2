package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.server.ServerConfig;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.RunScript;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments move step by step from stored state alone: windows, step order, failures, retries,
 * cancels and restarts, on a real database, with results recorded the way polls record them. Run on
 * H2 and on PostgreSQL.
 */
abstract class OrchestrationContract {
  private static final long PICKUP_MILLIS = 60_000;
  private static final String TASK = "K-deploy";

  @TempDir Path data;
  private Database database;
  private CommandQueue queue;
  private CommandLog log;
  private TaskStore tasks;
  private Orchestration orchestration;
  private long now = 1_000;

  /** Opens the database under test; the second call must see what the first stored. */
  abstract Database openDatabase() throws Exception;

  /** Empties the database before each test, where it outlives one (a shared server). */
  void emptyDatabase() throws Exception {}

  @BeforeEach
  void open() throws Exception {
    emptyDatabase();
    openStores();
    TentacleStore tentacles = new TentacleStore(database.jdbi());
    for (String name : List.of("t-1", "t-2", "t-3")) {
      TentacleRecord record =
          TestTentacles.record(
              "T-" + name, name, name.substring(2).repeat(64), "Test", List.of("web"));
      database.jdbi().useHandle(h -> tentacles.save(h, record, false));
    }
  }

  private void openStores() throws Exception {
    database = openDatabase();
    queue = new CommandQueue(database.jdbi(), new Secrets(data));
    log =
        new CommandLog(
            database.jdbi(), new Secrets(data), ServerConfig.DEFAULT_MAX_COMMAND_OUTPUT_BYTES);
    tasks = new TaskStore(database.jdbi(), taskId -> {});
    orchestration = new Orchestration(database.jdbi(), queue);
  }

  @AfterEach
  void close() {
    database.close();
  }

  /** One step of a test deployment: its targets (tentacle names) and window. */
  private record Step(List<String> targets, Integer window) {}

  private void deploy(Step... steps) {
    deploy(List.of(), steps);
  }

  private void deploy(List<String> maskedNames, Step... steps) {
    database
        .jdbi()
        .useTransaction(
            h -> {
              tasks.createOrchestrated(h, TASK, "deploy", "test", now);
              for (int i = 0; i < steps.length; i++) {
                for (String target : steps[i].targets()) {
                  Command command =
                      Command.newBuilder()
                          .setCommandId("C-" + i + "-" + target)
                          .setRunScript(
                              RunScript.newBuilder()
                                  .setBody("echo")
                                  .putVariables("PASSWORD", "hunter2")
                                  .putVariables("KEY", PEM_KEY))
                          .build();
                  queue.addPending(
                      h,
                      TASK,
                      "T-" + target,
                      command,
                      new CommandQueue.StepPlace(i, "step-" + i, steps[i].window()),
                      maskedNames,
                      now);
                }
              }
            });
  }

  private List<String> advance() {
    now += 10;
    return orchestration.advance(TASK, now, PICKUP_MILLIS).tentaclesToWake();
  }

  /** The state of each current target, as "step-i/tentacle=STATE", in task order. */
  private List<String> states() {
    return tasks.find(TASK).orElseThrow().targets().stream()
        .map(t -> t.stepName() + "/" + t.tentacleName() + "=" + t.state())
        .toList();
  }

  private TaskState taskState() {
    return tasks.find(TASK).orElseThrow().state();
  }

  /** Lets the tentacle collect its next command and report it ended with {@code outcome}. */
  private void run(String tentacle, CommandState outcome) {
    Command command = queue.claimNext("T-" + tentacle, Route.ROUTER, now, 0).orElseThrow();
    queue.acknowledge("T-" + tentacle, command.getCommandId(), now);
    tasks.finishCommand(
        "T-" + tentacle,
        command.getCommandId(),
        outcome,
        outcome == CommandState.SUCCEEDED ? 0 : 1,
        outcome == CommandState.SUCCEEDED ? null : "the script exited with code 1",
        now);
  }

  @Test
  void aWindowCapsHowManyTargetsOfAStepRunAtOnce() {
    deploy(new Step(List.of("t-1", "t-2", "t-3"), 2));

    assertThat(advance()).containsExactly("T-t-1", "T-t-2");
    assertThat(advance()).as("advancing again changes nothing").isEmpty();
    assertThat(states())
        .containsExactly("step-0/t-1=QUEUED", "step-0/t-2=QUEUED", "step-0/t-3=PENDING");

    run("t-1", CommandState.SUCCEEDED);
    assertThat(advance()).containsExactly("T-t-3");
    run("t-2", CommandState.SUCCEEDED);
    run("t-3", CommandState.SUCCEEDED);
    assertThat(taskState())
        .as("closed by the orchestrator, not the last result")
        .isEqualTo(TaskState.RUNNING);

    advance();
    assertThat(taskState()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void aStepStartsOnlyWhenThePreviousOneSucceededOnEveryTarget() {
    deploy(new Step(List.of("t-1", "t-2"), null), new Step(List.of("t-3"), null));

    assertThat(advance()).containsExactly("T-t-1", "T-t-2");
    run("t-1", CommandState.SUCCEEDED);
    assertThat(advance()).isEmpty();
    assertThat(states()).contains("step-1/t-3=PENDING");

    run("t-2", CommandState.SUCCEEDED);
    assertThat(advance()).containsExactly("T-t-3");
    run("t-3", CommandState.SUCCEEDED);
    advance();
    assertThat(taskState()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void aFailedTargetFailsTheDeploymentOnceTheOthersFinishAndLaterStepsNeverStart() {
    deploy(new Step(List.of("t-1", "t-2"), null), new Step(List.of("t-3"), null));
    advance();

    run("t-1", CommandState.FAILED);
    advance();
    assertThat(taskState()).as("t-2 is still running").isEqualTo(TaskState.RUNNING);

    run("t-2", CommandState.SUCCEEDED);
    advance();
    assertThat(taskState()).isEqualTo(TaskState.FAILED);
    TargetView later =
        tasks.find(TASK).orElseThrow().targets().stream()
            .filter(t -> t.stepIndex() == 1)
            .findFirst()
            .orElseThrow();
    assertThat(later.state()).isEqualTo(CommandState.PENDING);
    assertThat(later.message()).contains("step 'step-0' failed; retry its failed targets");
    assertThat(queue.claimNext("T-t-3", Route.ROUTER, now, 0)).isEmpty();
  }

  @Test
  void retryingAFailedTargetRunsItAgainUnderANewIdAndContinuesTheDeployment() {
    deploy(new Step(List.of("t-1", "t-2"), null), new Step(List.of("t-3"), null));
    advance();
    run("t-1", CommandState.FAILED);
    run("t-2", CommandState.SUCCEEDED);
    advance();
    assertThat(taskState()).isEqualTo(TaskState.FAILED);

    assertThat(orchestration.retry(TASK, "t-1", now)).isTrue();
    assertThat(taskState()).isEqualTo(TaskState.RUNNING);
    assertThat(advance()).containsExactly("T-t-1");
    Command again = queue.claimNext("T-t-1", Route.ROUTER, now, 0).orElseThrow();
    assertThat(again.getCommandId()).isNotEqualTo("C-0-t-1");
    assertThat(again.getRunScript().getBody()).isEqualTo("echo");
    queue.acknowledge("T-t-1", again.getCommandId(), now);
    tasks.finishCommand("T-t-1", again.getCommandId(), CommandState.SUCCEEDED, 0, null, now);

    assertThat(advance()).containsExactly("T-t-3");
    run("t-3", CommandState.SUCCEEDED);
    advance();
    assertThat(taskState()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(states())
        .containsExactly("step-0/t-1=SUCCEEDED", "step-0/t-2=SUCCEEDED", "step-1/t-3=SUCCEEDED");
  }

  @Test
  void retryRefusesATargetThatDidNotFail() {
    deploy(new Step(List.of("t-1"), null));
    advance();

    assertThatThrownBy(() -> orchestration.retry(TASK, "t-1", now))
        .isInstanceOf(Orchestration.RetryRefused.class)
        .hasMessageContaining("has no failed target 't-1'");
    assertThat(orchestration.retry("K-none", "t-1", now)).isFalse();
  }

  @Test
  void aCancelledDeploymentQueuesNoLaterStep() {
    deploy(new Step(List.of("t-1"), null), new Step(List.of("t-2"), null));
    advance();
    Command running = queue.claimNext("T-t-1", Route.ROUTER, now, 0).orElseThrow();
    queue.acknowledge("T-t-1", running.getCommandId(), now);

    new Cancellations(database.jdbi()).cancelTask(TASK, "someone", now);
    tasks.finishCommand("T-t-1", running.getCommandId(), CommandState.SUCCEEDED, 0, null, now);

    assertThat(advance()).isEmpty();
    assertThat(orchestration.runningTasks(10)).doesNotContain(TASK);
    assertThat(taskState()).isEqualTo(TaskState.CANCELLED);
    assertThat(states()).containsExactly("step-0/t-1=SUCCEEDED", "step-1/t-2=CANCELLED");
  }

  @Test
  void aRestartedServerContinuesFromTheStoredState() throws Exception {
    deploy(new Step(List.of("t-1"), null), new Step(List.of("t-2"), null));
    advance();
    run("t-1", CommandState.SUCCEEDED);
    database.close();

    openStores();
    assertThat(orchestration.runningTasks(10)).containsExactly(TASK);
    assertThat(advance()).containsExactly("T-t-2");
    run("t-2", CommandState.SUCCEEDED);
    advance();
    assertThat(taskState()).isEqualTo(TaskState.SUCCEEDED);
  }

  /**
   * Every node sweeps every running deployment, with no owner: the task's row lock and PENDING to
   * QUEUED being a conditional update are what keep a step's window, and each command queued once.
   */
  @Test
  void nodesAdvancingOneDeploymentAtOnceQueueEachCommandOnce() throws Exception {
    deploy(new Step(List.of("t-1", "t-2", "t-3"), 1), new Step(List.of("t-1"), null));
    List<Database> nodes = List.of(openDatabase(), openDatabase(), openDatabase());
    try {
      assertThat(advanceTogether(nodes)).as("one target of the window, woken once").hasSize(1);
      assertThat(states())
          .containsExactly(
              "step-0/t-1=QUEUED",
              "step-0/t-2=PENDING",
              "step-0/t-3=PENDING",
              "step-1/t-1=PENDING");

      run("t-1", CommandState.SUCCEEDED);
      assertThat(advanceTogether(nodes)).containsExactly("T-t-2");
      run("t-2", CommandState.SUCCEEDED);
      assertThat(advanceTogether(nodes)).containsExactly("T-t-3");
      run("t-3", CommandState.SUCCEEDED);
      assertThat(advanceTogether(nodes)).containsExactly("T-t-1");
      run("t-1", CommandState.SUCCEEDED);
      advanceTogether(nodes);
      assertThat(taskState()).isEqualTo(TaskState.SUCCEEDED);
    } finally {
      nodes.forEach(Database::close);
    }
  }

  /** Advances the deployment from each node's own pool, many times at once; who was woken. */
  private List<String> advanceTogether(List<Database> nodes) throws Exception {
    now += 10;
    long at = now;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(nodes.size() * 4);
    try {
      List<java.util.concurrent.Future<List<String>>> moves = new java.util.ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (Database node : nodes) {
          Orchestration orchestrator =
              new Orchestration(node.jdbi(), new CommandQueue(node.jdbi(), new Secrets(data)));
          moves.add(
              pool.submit(() -> orchestrator.advance(TASK, at, PICKUP_MILLIS).tentaclesToWake()));
        }
      }
      List<String> woken = new java.util.ArrayList<>();
      for (var move : moves) {
        woken.addAll(move.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      return woken;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void commandsCarryingSecretsAreStoredEncryptedAndTheirLogsMasked() {
    deploy(List.of("PASSWORD"), new Step(List.of("t-1"), null));
    advance();
    String payload =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT payload FROM commands WHERE id = 'C-0-t-1'")
                        .mapTo(String.class)
                        .one());
    assertThat(Secrets.isSealed(payload)).isTrue();

    Command command = queue.claimNext("T-t-1", Route.ROUTER, now, 0).orElseThrow();
    assertThat(command.getRunScript().getVariablesMap()).containsEntry("PASSWORD", "hunter2");
    queue.acknowledge("T-t-1", command.getCommandId(), now);
    log.append(
        "T-t-1",
        command.getCommandId(),
        List.of(
            LogLine.newBuilder()
                .setSequence(1)
                .setStream(LogLine.Stream.STDOUT)
                .setText("password is hunter2, really hunter2")
                .build()),
        now);

    assertThat(tasks.log(TASK, 0, 10))
        .singleElement()
        .satisfies(
            line -> assertThat(line.text()).isEqualTo("password is ********, really ********"));

    // Each seven-character secret masked by eight asterisks: longer than the log's column holds.
    String secrets = "hunter2".repeat(2200);
    assertThat(
            log.append(
                "T-t-1",
                command.getCommandId(),
                List.of(
                    LogLine.newBuilder()
                        .setSequence(2)
                        .setStream(LogLine.Stream.STDOUT)
                        .setText(secrets)
                        .build()),
                now))
        .map(CommandLog.LogProgress::storedThrough)
        .contains(2L);
    assertThat(tasks.log(TASK, 0, 10))
        .last()
        .satisfies(line -> assertThat(line.text()).isEqualTo("********".repeat(2048)));
  }

  private static final String PEM_KEY =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIB3F9xYkq0tVhPz9v1Xw2lT0QeqGg9t4c0Sx2q3mP0aR\n"
          + "-----END PRIVATE KEY-----\n";

  private static LogLine piece(long sequence, LogLine.Stream stream, String text, boolean goesOn) {
    return LogLine.newBuilder()
        .setSequence(sequence)
        .setStream(stream)
        .setText(text)
        .setContinuesPrevious(goesOn)
        .build();
  }

  @Test
  void aSecretStraddlingTheTentaclesCutAndEachLineOfAMultiLineSecretAreMasked() {
    deploy(List.of("PASSWORD", "KEY"), new Step(List.of("t-1"), null));
    advance();
    Command command = queue.claimNext("T-t-1", Route.ROUTER, now, 0).orElseThrow();
    queue.acknowledge("T-t-1", command.getCommandId(), now);
    String id = command.getCommandId();
    LogLine.Stream out = LogLine.Stream.STDOUT;

    // A cut across batches (the piece before is already stored) and one within a batch, with a
    // line of the other stream between the pieces.
    log.append("T-t-1", id, List.of(piece(1, out, "start hun", false)), now);
    log.append(
        "T-t-1",
        id,
        List.of(
            piece(2, LogLine.Stream.STDERR, "noise hun", false),
            piece(3, out, "ter2 mid hunte", true),
            piece(4, out, "r2 end", true),
            piece(5, out, "hunter", false),
            piece(6, out, "3", true)),
        now);
    // A PEM key printed with echo arrives one line of it per log line.
    List<LogLine> pem = new java.util.ArrayList<>();
    String[] keyLines = PEM_KEY.split("\n");
    for (int i = 0; i < keyLines.length; i++) {
      pem.add(piece(7 + i, out, "key: " + keyLines[i], false));
    }
    log.append("T-t-1", id, pem, now);

    assertThat(tasks.log(TASK, 0, 20))
        .extracting(line -> line.sequence() + ":" + line.text())
        .containsExactly(
            "1:start ********",
            "2:noise hun",
            "3: mid ********",
            "4: end",
            "5:hunter",
            "6:3",
            "7:key: ********",
            "8:key: ********",
            "9:key: ********");
  }
}
