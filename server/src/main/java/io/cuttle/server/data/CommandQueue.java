package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.Command;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The durable command queue. Every command lives in the database from the moment it is queued, so a
 * restart loses nothing, and every transition is a conditional update, so two polls can never both
 * claim one command.
 */
public final class CommandQueue {
  private final Jdbi jdbi;
  private final Secrets secrets;
  private final CommandEvents events;

  public CommandQueue(Jdbi jdbi, Secrets secrets) {
    this(jdbi, secrets, CommandEvents.NONE);
  }

  /**
   * @param events told of every command queued, delivered and acknowledged through this queue
   */
  public CommandQueue(Jdbi jdbi, Secrets secrets, CommandEvents events) {
    this.jdbi = jdbi;
    this.secrets = secrets;
    this.events = events;
  }

  public CommandEvents events() {
    return events;
  }

  public void enqueue(
      Handle h, String taskId, String tentacleId, Command command, long now, long pickupDeadline) {
    String mutex = command.getIsolation().getMutex();
    h.createUpdate(
            "INSERT INTO commands (id, task_id, tentacle_id, payload, state, queued_at,"
                + " pickup_deadline, allow_concurrency, mutex)"
                + " VALUES (:id, :taskId, :tentacleId, :payload, 'QUEUED', :now, :deadline,"
                + " :allowConcurrency, :mutex)")
        .bind("id", command.getCommandId())
        .bind("taskId", taskId)
        .bind("tentacleId", tentacleId)
        .bind("payload", Base64.getEncoder().encodeToString(command.toByteArray()))
        .bind("now", now)
        .bind("deadline", pickupDeadline)
        .bind("allowConcurrency", command.getIsolation().getAllowConcurrency())
        .bind("mutex", mutex.isEmpty() ? null : mutex)
        .execute();
    events.queued(1);
  }

  /** Where a deployment's command belongs: its step, and the step's rolling window (or null). */
  public record StepPlace(int index, String name, Integer window) {}

  /**
   * Stores a deployment's command as PENDING: its orchestrator queues it when its step is reached.
   * A command carrying sensitive variables ({@code maskedNames}) is stored encrypted, and those
   * variables' values are masked in its stored log.
   */
  public void addPending(
      Handle h,
      String taskId,
      String tentacleId,
      Command command,
      StepPlace step,
      List<String> maskedNames,
      long now) {
    boolean sensitive = !maskedNames.isEmpty();
    h.createUpdate(
            "INSERT INTO commands (id, task_id, tentacle_id, payload, state, queued_at,"
                + " pickup_deadline, allow_concurrency, step_index, step_name, step_window,"
                + " masked_names) VALUES (:id, :taskId, :tentacleId, :payload, 'PENDING', :now,"
                + " :now, FALSE, :stepIndex, :stepName, :window, :masked)")
        .bind("id", command.getCommandId())
        .bind("taskId", taskId)
        .bind("tentacleId", tentacleId)
        .bind(
            "payload",
            sensitive
                ? secrets.seal(command.toByteArray())
                : Base64.getEncoder().encodeToString(command.toByteArray()))
        .bind("now", now)
        .bind("stepIndex", step.index())
        .bind("stepName", step.name())
        .bind("window", step.window())
        .bind("masked", sensitive ? String.join(",", maskedNames) : null)
        .execute();
  }

  /**
   * Replaces a failed deployment command with a PENDING copy under a new id (a tentacle runs an id
   * once), in the same step, for its orchestrator to queue again.
   */
  void addRetry(Handle h, String failedCommandId, long now) {
    record Failed(
        String taskId,
        String tentacleId,
        String payload,
        int stepIndex,
        String stepName,
        Integer window,
        String maskedNames) {}
    Failed failed =
        h.createQuery(
                "SELECT task_id, tentacle_id, payload, step_index, step_name, step_window,"
                    + " masked_names FROM commands WHERE id = :id")
            .bind("id", failedCommandId)
            .map(
                (rs, ctx) ->
                    new Failed(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getString(5),
                        (Integer) rs.getObject(6, Integer.class),
                        rs.getString(7)))
            .one();
    Command retry = decode(failed.payload()).toBuilder().setCommandId(Ids.newId("C-")).build();
    addPending(
        h,
        failed.taskId(),
        failed.tentacleId(),
        retry,
        new StepPlace(failed.stepIndex(), failed.stepName(), failed.window()),
        failed.maskedNames() == null ? List.of() : List.of(failed.maskedNames().split(",")),
        now);
    h.createUpdate("UPDATE commands SET replaced_by = :retry WHERE id = :id")
        .bind("retry", retry.getCommandId())
        .bind("id", failedCommandId)
        .execute();
  }

  /**
   * Hands the oldest waiting command that may run beside what the tentacle already runs ({@link
   * IsolationRule}) to a poll. A command dispatched earlier but never acknowledged (the response
   * was lost with its connection) is handed out again once {@code redeliverBefore} has passed:
   * delivery is at least once, and the tentacle's id memory makes execution once.
   *
   * <p>Claims for one tentacle take its row lock first, so two polls (on one node or many) cannot
   * both see it idle and each hand it a command that must run alone.
   */
  public Optional<Command> claimNext(
      String tentacleId, Route route, long now, long redeliverBefore) {
    return jdbi.inTransaction(
        h -> {
          if (h.createQuery("SELECT id FROM tentacles WHERE id = :t FOR UPDATE")
              .bind("t", tentacleId)
              .mapTo(String.class)
              .findOne()
              .isEmpty()) {
            return Optional.empty();
          }
          List<IsolationRule.Slot> active =
              h.createQuery(
                      "SELECT id, allow_concurrency, mutex FROM commands WHERE tentacle_id = :t"
                          + " AND state IN ('DISPATCHED', 'RUNNING') AND health_check = FALSE")
                  .bind("t", tentacleId)
                  .map(CommandQueue::slot)
                  .list();
          List<Candidate> candidates =
              h.createQuery(
                      "SELECT id, state, dispatch_count, queued_at, allow_concurrency, mutex FROM commands"
                          + " WHERE tentacle_id = :t AND health_check = FALSE"
                          + " AND pickup_deadline > :now AND (state = 'QUEUED'"
                          + " OR (state = 'DISPATCHED' AND dispatched_at < :redeliverBefore))"
                          + " ORDER BY queued_at, id FETCH FIRST 200 ROWS ONLY")
                  .bind("t", tentacleId)
                  .bind("now", now)
                  .bind("redeliverBefore", redeliverBefore)
                  .map(
                      (rs, ctx) ->
                          new Candidate(
                              slot(rs, ctx),
                              rs.getString("state"),
                              rs.getInt("dispatch_count"),
                              rs.getLong("queued_at")))
                  .list();
          Optional<IsolationRule.Slot> chosen =
              IsolationRule.pick(active, candidates.stream().map(Candidate::slot).toList());
          if (chosen.isEmpty()) {
            return Optional.empty();
          }
          Candidate c =
              candidates.stream().filter(x -> x.slot().equals(chosen.get())).findFirst().get();
          return dispatch(h, c, route, now);
        });
  }

  /**
   * Hands the tentacle's waiting health check to a poll, busy or not: a check needs no command slot
   * and runs beside anything, so a long script must not hold it back.
   */
  public Optional<Command> claimHealthCheck(
      String tentacleId, Route route, long now, long redeliverBefore) {
    return jdbi.inTransaction(
        h ->
            h.createQuery(
                    "SELECT id, state, dispatch_count, queued_at, allow_concurrency, mutex FROM commands"
                        + " WHERE tentacle_id = :t AND health_check = TRUE"
                        + " AND pickup_deadline > :now AND (state = 'QUEUED'"
                        + " OR (state = 'DISPATCHED' AND dispatched_at < :redeliverBefore))"
                        + " ORDER BY queued_at, id FETCH FIRST 1 ROWS ONLY")
                .bind("t", tentacleId)
                .bind("now", now)
                .bind("redeliverBefore", redeliverBefore)
                .map(
                    (rs, ctx) ->
                        new Candidate(
                            slot(rs, ctx),
                            rs.getString("state"),
                            rs.getInt("dispatch_count"),
                            rs.getLong("queued_at")))
                .findOne()
                .flatMap(c -> dispatch(h, c, route, now)));
  }

  private Optional<Command> dispatch(Handle h, Candidate c, Route route, long now) {
    int updated =
        h.createUpdate(
                "UPDATE commands SET state = 'DISPATCHED', dispatched_at = :now,"
                    + " dispatch_count = dispatch_count + 1, route = :route"
                    + " WHERE id = :id AND state = :state AND dispatch_count = :count")
            .bind("now", now)
            .bind("route", route.name())
            .bind("id", c.slot().id())
            .bind("state", c.state())
            .bind("count", c.dispatchCount())
            .execute();
    if (updated != 1) {
      return Optional.empty(); // changed meanwhile (cancelled, expired): the next poll looks
    }
    events.delivered(Math.max(0, now - c.queuedAt()), c.dispatchCount() == 0);
    return Optional.of(StoredCommands.payloadOf(h, secrets, c.slot().id()));
  }

  private static IsolationRule.Slot slot(java.sql.ResultSet rs, StatementContext ctx)
      throws java.sql.SQLException {
    return new IsolationRule.Slot(
        rs.getString("id"), rs.getBoolean("allow_concurrency"), rs.getString("mutex"));
  }

  /** Puts a command claimed for a poll that could not deliver it back at the head of the queue. */
  public void release(String commandId) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE commands SET state = 'QUEUED', dispatch_count = dispatch_count - 1"
                        + " WHERE id = :id AND state = 'DISPATCHED'")
                .bind("id", commandId)
                .execute());
  }

  /**
   * Marks a command as running. Returns false when the server no longer wants it run (it already
   * finished or expired), so the tentacle drops it.
   */
  public AckOutcome acknowledge(String tentacleId, String commandId, long now) {
    return jdbi.inTransaction(
        h -> {
          Optional<String> state = lockState(h, tentacleId, commandId);
          if (state.isEmpty()) {
            return AckOutcome.UNKNOWN;
          }
          if (CommandState.valueOf(state.get()).finished()) {
            return AckOutcome.DROP;
          }
          h.createUpdate(
                  "UPDATE commands SET state = 'RUNNING', started_at = COALESCE(started_at, :now)"
                      + " WHERE id = :id")
              .bind("now", now)
              .bind("id", commandId)
              .execute();
          events.acknowledged();
          return AckOutcome.PROCEED;
        });
  }

  public enum AckOutcome {
    PROCEED,
    DROP,
    UNKNOWN
  }

  /**
   * Keeps what the tentacle found, if the command is its unfinished health check: a report attached
   * to any other command changes nothing.
   */
  public void recordHealthReport(
      String tentacleId, String commandId, long freeDiskBytes, String details) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE commands SET health_free_disk_bytes = :free, health_details = :details"
                        + " WHERE id = :id AND tentacle_id = :t AND health_check = TRUE AND state "
                        + TaskStore.UNFINISHED)
                .bind("free", freeDiskBytes)
                .bind("details", details)
                .bind("id", commandId)
                .bind("t", tentacleId)
                .execute());
  }

  /** The command, if it was sent to this tentacle and has no outcome yet. */
  public Optional<Command> unfinished(String tentacleId, String commandId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT payload FROM commands WHERE id = :id AND tentacle_id = :t AND state "
                        + TaskStore.UNFINISHED)
                .bind("id", commandId)
                .bind("t", tentacleId)
                .mapTo(String.class)
                .findOne()
                .map(this::decode));
  }

  /** Locks the command row and returns its state, if it is this tentacle's command. */
  Optional<String> lockState(Handle h, String tentacleId, String commandId) {
    return h.createQuery(
            "SELECT state FROM commands WHERE id = :id AND tentacle_id = :t FOR UPDATE")
        .bind("id", commandId)
        .bind("t", tentacleId)
        .mapTo(String.class)
        .findOne();
  }

  private Command decode(String payload) {
    return StoredCommands.decode(secrets, payload);
  }

  private record Candidate(
      IsolationRule.Slot slot, String state, int dispatchCount, long queuedAt) {}
}
