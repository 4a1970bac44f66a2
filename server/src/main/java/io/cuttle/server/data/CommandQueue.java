package io.cuttle.server.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.LogLine;
import java.util.ArrayList;
import java.util.Arrays;
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
  public static final String MASK = "********";

  private final Jdbi jdbi;
  private final Secrets secrets;
  private final OutputCap outputCap;

  /**
   * @param maxOutputBytes how much output of one command is stored, see {@link OutputCap}
   */
  public CommandQueue(Jdbi jdbi, Secrets secrets, long maxOutputBytes) {
    this.jdbi = jdbi;
    this.secrets = secrets;
    this.outputCap = new OutputCap(maxOutputBytes);
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
                      "SELECT id, state, dispatch_count, allow_concurrency, mutex FROM commands"
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
                              slot(rs, ctx), rs.getString("state"), rs.getInt("dispatch_count")))
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
                    "SELECT id, state, dispatch_count, allow_concurrency, mutex FROM commands"
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
                            slot(rs, ctx), rs.getString("state"), rs.getInt("dispatch_count")))
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
    return Optional.of(payloadOf(h, c.slot().id()));
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
          return AckOutcome.PROCEED;
        });
  }

  public enum AckOutcome {
    PROCEED,
    DROP,
    UNKNOWN
  }

  /**
   * How far a command's log reaches: the highest sequence received without a gap, and whether its
   * output went over the cap, so that later lines are counted but dropped.
   */
  public record LogProgress(long storedThrough, boolean truncated) {}

  /**
   * Stores the lines that extend the command's log without a gap, ignoring ones already stored (a
   * resent batch). Returns how far the log reaches, or empty if the command is not this tentacle's.
   *
   * <p>The line that would take the command's output over the cap is stored as a marker saying so
   * instead; it and every later line are counted as received but not stored, so the command's
   * result is still recorded.
   *
   * <p>Readers page through a task's log by line id ({@code id > after}). Ids are handed out at
   * insert but become visible at commit, so two targets' batches committing out of id order would
   * let a reader pass lines that appear a moment later, and never see them. Appends for one task
   * therefore take the task's row lock first (the order {@code TaskStore.finishCommand} uses too),
   * which makes id order and commit order the same for that task, on one node or many.
   */
  public Optional<LogProgress> appendLog(
      String tentacleId, String commandId, List<LogLine> lines, long now) {
    return jdbi.inTransaction(
        h -> {
          if (TaskStore.lockTaskOf(h, tentacleId, commandId).isEmpty()) {
            return Optional.empty();
          }
          Optional<LogCursor> cursor =
              h.createQuery(
                      "SELECT task_id, log_through, log_bytes, log_truncated, state, masked_names"
                          + " FROM commands WHERE id = :id AND tentacle_id = :t FOR UPDATE")
                  .bind("id", commandId)
                  .bind("t", tentacleId)
                  .map(
                      (rs, ctx) ->
                          new LogCursor(
                              rs.getString("task_id"),
                              rs.getLong("log_through"),
                              rs.getLong("log_bytes"),
                              rs.getBoolean("log_truncated"),
                              rs.getString("state"),
                              rs.getString("masked_names")))
                  .findOne();
          if (cursor.isEmpty()) {
            return Optional.empty();
          }
          LogCursor log = cursor.get();
          long through = log.logThrough();
          if (CommandState.valueOf(log.state()).finished()) {
            return Optional.of(new LogProgress(through, log.truncated()));
          }
          List<LogLine> fresh = new ArrayList<>();
          for (LogLine line : lines) {
            if (line.getSequence() == through + fresh.size() + 1) {
              fresh.add(line);
            }
          }
          if (fresh.isEmpty()) {
            return Optional.of(new LogProgress(through, log.truncated()));
          }
          OutputCap.Fit fit =
              log.truncated() ? new OutputCap.Fit(0, 0) : outputCap.fit(log.logBytes(), fresh);
          boolean truncatesNow = !log.truncated() && fit.lines() < fresh.size();
          List<LogLine> stored = new ArrayList<>(fresh.subList(0, fit.lines()));
          if (truncatesNow) {
            stored.add(
                LogLine.newBuilder()
                    .setSequence(through + fit.lines() + 1)
                    .setStream(LogLine.Stream.STDERR)
                    .setText(outputCap.marker())
                    .setTimestampMillis(now)
                    .build());
          }
          insertLines(h, commandId, log, stored, now);
          long newThrough = through + fresh.size();
          h.createUpdate(
                  "UPDATE commands SET log_through = :through, log_bytes = :bytes,"
                      + " log_truncated = :truncated WHERE id = :id")
              .bind("through", newThrough)
              .bind("bytes", log.logBytes() + fit.bytes())
              .bind("truncated", log.truncated() || truncatesNow)
              .bind("id", commandId)
              .execute();
          return Optional.of(new LogProgress(newThrough, log.truncated() || truncatesNow));
        });
  }

  private void insertLines(
      Handle h, String commandId, LogCursor log, List<LogLine> lines, long now) {
    if (!lines.isEmpty()) {
      LogMasks masks = new LogMasks(secretValues(h, commandId, log.maskedNames()));
      StoredLog.insert(h, commandId, log.taskId(), masks, lines, now);
    }
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

  /** The values of the command's sensitive variables. */
  private List<String> secretValues(Handle h, String commandId, String maskedNames) {
    if (maskedNames == null) {
      return List.of();
    }
    var variables = payloadOf(h, commandId).getRunScript().getVariablesMap();
    return Arrays.stream(maskedNames.split(",")).map(variables::get).toList();
  }

  private Command payloadOf(Handle h, String commandId) {
    return decode(
        h.createQuery("SELECT payload FROM commands WHERE id = :id")
            .bind("id", commandId)
            .mapTo(String.class)
            .one());
  }

  private Command decode(String payload) {
    try {
      return Command.parseFrom(
          Secrets.isSealed(payload) ? secrets.open(payload) : Base64.getDecoder().decode(payload));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored command is unreadable: " + e.getMessage(), e);
    }
  }

  private record Candidate(IsolationRule.Slot slot, String state, int dispatchCount) {}

  private record LogCursor(
      String taskId,
      long logThrough,
      long logBytes,
      boolean truncated,
      String state,
      String maskedNames) {}
}
