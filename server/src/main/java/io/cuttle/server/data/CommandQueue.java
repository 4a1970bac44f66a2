package io.cuttle.server.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.LogLine;
import java.util.ArrayList;
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

  public CommandQueue(Jdbi jdbi) {
    this.jdbi = jdbi;
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
                          + " AND state IN ('DISPATCHED', 'RUNNING')")
                  .bind("t", tentacleId)
                  .map(CommandQueue::slot)
                  .list();
          List<Candidate> candidates =
              h.createQuery(
                      "SELECT id, state, dispatch_count, allow_concurrency, mutex FROM commands"
                          + " WHERE tentacle_id = :t AND pickup_deadline > :now"
                          + " AND (state = 'QUEUED'"
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
          return Optional.of(
              decode(
                  h.createQuery("SELECT payload FROM commands WHERE id = :id")
                      .bind("id", c.slot().id())
                      .mapTo(String.class)
                      .one()));
        });
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
   * Stores the lines that extend the command's log without a gap, ignoring ones already stored (a
   * resent batch). Returns the highest sequence stored, or empty if the command is not this
   * tentacle's.
   *
   * <p>Readers page through a task's log by line id ({@code id > after}). Ids are handed out at
   * insert but become visible at commit, so two targets' batches committing out of id order would
   * let a reader pass lines that appear a moment later, and never see them. Appends for one task
   * therefore take the task's row lock first (the order {@code TaskStore.finishCommand} uses too),
   * which makes id order and commit order the same for that task, on one node or many.
   */
  public Optional<Long> appendLog(
      String tentacleId, String commandId, List<LogLine> lines, long now) {
    return jdbi.inTransaction(
        h -> {
          if (TaskStore.lockTaskOf(h, tentacleId, commandId).isEmpty()) {
            return Optional.empty();
          }
          Optional<LogCursor> cursor =
              h.createQuery(
                      "SELECT task_id, log_through, state FROM commands WHERE id = :id AND tentacle_id = :t"
                          + " FOR UPDATE")
                  .bind("id", commandId)
                  .bind("t", tentacleId)
                  .map(
                      (rs, ctx) ->
                          new LogCursor(
                              rs.getString("task_id"),
                              rs.getLong("log_through"),
                              rs.getString("state")))
                  .findOne();
          if (cursor.isEmpty()) {
            return Optional.empty();
          }
          long through = cursor.get().logThrough();
          if (CommandState.valueOf(cursor.get().state()).finished()) {
            return Optional.of(through);
          }
          List<LogLine> fresh = new ArrayList<>();
          for (LogLine line : lines) {
            if (line.getSequence() == through + fresh.size() + 1) {
              fresh.add(line);
            }
          }
          if (fresh.isEmpty()) {
            return Optional.of(through);
          }
          var batch =
              h.prepareBatch(
                  "INSERT INTO log_lines (command_id, task_id, sequence, stream, text, logged_at)"
                      + " VALUES (:commandId, :taskId, :sequence, :stream, :text, :loggedAt)");
          for (LogLine line : fresh) {
            batch
                .bind("commandId", commandId)
                .bind("taskId", cursor.get().taskId())
                .bind("sequence", line.getSequence())
                .bind("stream", line.getStream() == LogLine.Stream.STDERR ? "stderr" : "stdout")
                .bind("text", line.getText())
                .bind("loggedAt", line.getTimestampMillis() > 0 ? line.getTimestampMillis() : now)
                .add();
          }
          batch.execute();
          long newThrough = through + fresh.size();
          h.createUpdate("UPDATE commands SET log_through = :through WHERE id = :id")
              .bind("through", newThrough)
              .bind("id", commandId)
              .execute();
          return Optional.of(newThrough);
        });
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
                .map(CommandQueue::decode));
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

  static Command decode(String payload) {
    try {
      return Command.parseFrom(Base64.getDecoder().decode(payload));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored command is unreadable: " + e.getMessage(), e);
    }
  }

  private record Candidate(IsolationRule.Slot slot, String state, int dispatchCount) {}

  private record LogCursor(String taskId, long logThrough, String state) {}
}
