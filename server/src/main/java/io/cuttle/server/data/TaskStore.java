package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Tasks, the outcome of each of their commands, and their logs. */
public final class TaskStore {
  /** SQL for "this command has no outcome yet"; a command's first outcome is its only one. */
  static final String UNFINISHED = "NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

  private final Jdbi jdbi;
  private final Consumer<String> afterCommandFinished;
  private final CommandEvents events;

  /**
   * @param afterCommandFinished told the task id after a command's outcome is committed, so what
   *     waits on it (the next step of a deployment) can move on at once
   */
  public TaskStore(Jdbi jdbi, Consumer<String> afterCommandFinished) {
    this(jdbi, afterCommandFinished, CommandEvents.NONE);
  }

  /**
   * @param events told of every command outcome and task end this store records
   */
  public TaskStore(Jdbi jdbi, Consumer<String> afterCommandFinished, CommandEvents events) {
    this.jdbi = jdbi;
    this.afterCommandFinished = afterCommandFinished;
    this.events = events;
  }

  public CommandEvents events() {
    return events;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public void create(Handle h, String id, String description, String createdBy, long now) {
    h.createUpdate(
            "INSERT INTO tasks (id, description, state, created_at, created_by)"
                + " VALUES (:id, :description, 'RUNNING', :now, :createdBy)")
        .bind("id", id)
        .bind("description", description)
        .bind("now", now)
        .bind("createdBy", createdBy)
        .execute();
  }

  /** Creates a task whose orchestrator, not its last command, decides when it ends. */
  public void createOrchestrated(
      Handle h, String id, String description, String createdBy, long now) {
    create(h, id, description, createdBy, now);
    h.createUpdate("UPDATE tasks SET orchestrated = TRUE WHERE id = :id").bind("id", id).execute();
  }

  /**
   * Records how a command ended, unless it already has an outcome (the first report wins), and
   * closes its task when it was the last one running. The task row is locked first so that two
   * targets finishing at once cannot both miss that they were the last.
   */
  public boolean finishCommand(
      String tentacleId,
      String commandId,
      CommandState outcome,
      Integer exitCode,
      String message,
      long now) {
    Optional<String> finishedIn =
        jdbi.inTransaction(
            h -> {
              Optional<String> taskId = lockTaskOf(h, tentacleId, commandId);
              if (taskId.isEmpty()) {
                return Optional.<String>empty();
              }
              int updated =
                  h.createUpdate(
                          "UPDATE commands SET state = :state, exit_code = :exitCode, message = :message,"
                              + " finished_at = :now WHERE id = :id AND state "
                              + UNFINISHED)
                      .bind("state", outcome.name())
                      .bind("exitCode", exitCode)
                      .bind("message", message)
                      .bind("now", now)
                      .bind("id", commandId)
                      .execute();
              if (updated == 1) {
                events.finished(outcome, 1);
                closeTaskIfDone(h, taskId.get(), now, events);
              }
              return taskId;
            });
    finishedIn.ifPresent(afterCommandFinished);
    return finishedIn.isPresent();
  }

  /** Fails every unfinished command matching {@code condition}, one message each, closing tasks. */
  public int failWhere(String condition, Binder binder, MessageFor messageFor, long now) {
    List<Overdue> failed = failAll(condition, binder, messageFor, now);
    failed.stream().map(Overdue::taskId).distinct().forEach(afterCommandFinished);
    return failed.size();
  }

  private List<Overdue> failAll(String condition, Binder binder, MessageFor messageFor, long now) {
    return jdbi.inTransaction(
        h -> {
          var query =
              h.createQuery(
                  "SELECT c.id, c.task_id, COALESCE(t.name, t.former_name), t.last_seen_at,"
                      + " t.comms_address FROM commands c"
                      + " JOIN tentacles t ON t.id = c.tentacle_id WHERE c.state "
                      + UNFINISHED
                      + " AND ("
                      + condition
                      + ") ORDER BY c.task_id, c.id");
          binder.bind(query);
          List<Overdue> overdue =
              query
                  .map(
                      (rs, ctx) ->
                          new Overdue(
                              rs.getString(1),
                              rs.getString(2),
                              rs.getString(3),
                              (Long) rs.getObject(4, Long.class),
                              rs.getString(5)))
                  .list();
          // Another node's sweep may fail the same commands at the same moment: task locks are
          // taken in id order so two sweeps never deadlock, and only the sweep whose update changed
          // a command reports it.
          List<Overdue> failed = new ArrayList<>();
          for (Overdue o : overdue) {
            lockTask(h, o.taskId());
            int updated =
                h.createUpdate(
                        "UPDATE commands SET state = 'FAILED', message = :message, finished_at = :now"
                            + " WHERE id = :id AND state "
                            + UNFINISHED)
                    .bind("message", messageFor.message(o))
                    .bind("now", now)
                    .bind("id", o.commandId())
                    .execute();
            if (updated == 1) {
              failed.add(o);
              events.finished(CommandState.FAILED, 1);
              closeTaskIfDone(h, o.taskId(), now, events);
            }
          }
          return failed;
        });
  }

  /** Binds the named parameters of a {@link #failWhere} condition. */
  public interface Binder {
    void bind(org.jdbi.v3.core.statement.Query query);
  }

  /** Words a person can act on, for one command being failed. */
  public interface MessageFor {
    String message(Overdue overdue);
  }

  /** An unfinished command and what is known of its tentacle. */
  public record Overdue(
      String commandId, String taskId, String tentacleName, Long lastSeenAt, String commsAddress) {}

  /**
   * Finds the task of this tentacle's command and takes the task's row lock, the first lock of
   * every transaction that changes a task's commands or log; empty if the command is not the
   * tentacle's.
   */
  static Optional<String> lockTaskOf(Handle h, String tentacleId, String commandId) {
    Optional<String> taskId =
        h.createQuery("SELECT task_id FROM commands WHERE id = :id AND tentacle_id = :t")
            .bind("id", commandId)
            .bind("t", tentacleId)
            .mapTo(String.class)
            .findOne();
    taskId.ifPresent(id -> lockTask(h, id));
    return taskId;
  }

  static void lockTask(Handle h, String taskId) {
    h.createQuery("SELECT id FROM tasks WHERE id = :id FOR UPDATE")
        .bind("id", taskId)
        .mapTo(String.class)
        .one();
  }

  /**
   * Closes the task when none of its commands is unfinished. An orchestrated task (a deployment) is
   * closed here only once cancelled; otherwise its orchestrator closes it, since its later steps
   * may not be queued yet.
   */
  static void closeTaskIfDone(Handle h, String taskId, long now, CommandEvents events) {
    boolean leftToOrchestrator =
        h.createQuery(
                    "SELECT COUNT(*) FROM tasks WHERE id = :id AND orchestrated"
                        + " AND cancel_requested_at IS NULL")
                .bind("id", taskId)
                .mapTo(Integer.class)
                .one()
            > 0;
    if (leftToOrchestrator || anyUnfinished(h, taskId)) {
      return;
    }
    List<String> states =
        h.createQuery("SELECT state FROM commands WHERE task_id = :id AND replaced_by IS NULL")
            .bind("id", taskId)
            .mapTo(String.class)
            .list();
    if (states.stream().allMatch(s -> CommandState.valueOf(s).finished())) {
      // A cancelled task says so even if a target failed before the cancel: that is what a person
      // did to it, and each target still shows its own outcome.
      TaskState state =
          states.stream().allMatch(s -> s.equals("SUCCEEDED"))
              ? TaskState.SUCCEEDED
              : states.contains("CANCELLED") ? TaskState.CANCELLED : TaskState.FAILED;
      TaskEnd.close(h, taskId, state, now, events);
    }
  }

  /**
   * Stops at the first unfinished command it finds, so a task of many commands is not read whole
   * each time one of them finishes (which made finishing a task of n commands cost n squared).
   */
  private static boolean anyUnfinished(Handle h, String taskId) {
    return h.createQuery(
            "SELECT id FROM commands WHERE task_id = :id AND replaced_by IS NULL AND state "
                + UNFINISHED
                + " FETCH FIRST 1 ROWS ONLY")
        .bind("id", taskId)
        .mapTo(String.class)
        .findOne()
        .isPresent();
  }

  public Optional<TaskView> find(String taskId) {
    return jdbi.withHandle(h -> find(h, taskId));
  }

  private Optional<TaskView> find(Handle h, String taskId) {
    return h.createQuery(
            "SELECT id, description, state, created_at, finished_at FROM tasks WHERE id = :id")
        .bind("id", taskId)
        .map(
            (rs, ctx) ->
                new TaskView(
                    rs.getString("id"),
                    rs.getString("description"),
                    TaskState.valueOf(rs.getString("state")),
                    rs.getLong("created_at"),
                    (Long) rs.getObject("finished_at", Long.class),
                    targets(h, rs.getString("id"))))
        .findOne();
  }

  public List<TaskView> recent(int limit) {
    return jdbi.withHandle(
        h ->
            h
                .createQuery(
                    "SELECT id FROM tasks ORDER BY created_at DESC, id FETCH FIRST :limit ROWS ONLY")
                .bind("limit", limit)
                .mapTo(String.class)
                .list()
                .stream()
                .map(id -> find(h, id).orElseThrow())
                .toList());
  }

  private static List<TargetView> targets(Handle h, String taskId) {
    return h.createQuery(
            "SELECT c.id, c.tentacle_id, COALESCE(t.name, t.former_name) AS name, c.state, c.exit_code,"
                + " c.message, c.route, c.step_index, c.step_name FROM commands c"
                + " JOIN tentacles t ON t.id = c.tentacle_id"
                + " WHERE c.task_id = :id AND c.replaced_by IS NULL ORDER BY c.step_index, name")
        .bind("id", taskId)
        .map(
            (rs, ctx) -> {
              String route = rs.getString("route");
              return new TargetView(
                  rs.getString("id"),
                  rs.getString("tentacle_id"),
                  rs.getString("name"),
                  CommandState.valueOf(rs.getString("state")),
                  (Integer) rs.getObject("exit_code", Integer.class),
                  rs.getString("message"),
                  route == null ? null : Route.valueOf(route),
                  (Integer) rs.getObject("step_index", Integer.class),
                  rs.getString("step_name"));
            })
        .list();
  }

  /** Lines of a task's log after {@code cursor}, oldest first, at most {@code limit}. */
  public List<LogEntry> log(String taskId, long afterCursor, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT l.id, l.command_id, COALESCE(t.name, t.former_name), l.sequence, l.stream,"
                        + " l.text, l.logged_at, c.step_name"
                        + " FROM log_lines l JOIN commands c ON c.id = l.command_id"
                        + " JOIN tentacles t ON t.id = c.tentacle_id"
                        + " WHERE l.task_id = :task AND l.id > :after"
                        // The index's own order: H2 then reads one page and stops, rather than
                        // sorting the whole rest of the task's log for every page.
                        + " ORDER BY l.task_id, l.id FETCH FIRST :limit ROWS ONLY")
                .bind("task", taskId)
                .bind("after", afterCursor)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new LogEntry(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getString(8)))
                .list());
  }
}
