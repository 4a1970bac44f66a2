package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Cancelling tasks. A command no tentacle has started yet is cancelled at once, in the database: an
 * acknowledgement that arrives later is told not to proceed. A running command can only be stopped
 * by its tentacle, so it gets a stored cancel request that its tentacle collects on a poll; the
 * command stays RUNNING until the tentacle reports, and whatever it reports first is the one
 * outcome (the script may have ended on its own meanwhile).
 */
public final class Cancellations {
  private final Jdbi jdbi;
  private final CommandEvents events;

  public Cancellations(Jdbi jdbi) {
    this(jdbi, CommandEvents.NONE);
  }

  /**
   * @param events told of the commands cancelled before they started, and of the tasks that ends
   */
  public Cancellations(Jdbi jdbi, CommandEvents events) {
    this.jdbi = jdbi;
    this.events = events;
  }

  /** What a cancel did: the task's state before, and the tentacles to tell. */
  public record Outcome(String stateBefore, List<String> tentaclesToTell) {}

  /** Cancels the task's unfinished commands; empty if there is no such task. */
  public Optional<Outcome> cancelTask(String taskId, String caller, long now) {
    return jdbi.inTransaction(
        h -> {
          Optional<String> state =
              h.createQuery("SELECT state FROM tasks WHERE id = :id FOR UPDATE")
                  .bind("id", taskId)
                  .mapTo(String.class)
                  .findOne();
          if (state.isEmpty()) {
            return Optional.empty();
          }
          if (!state.get().equals("RUNNING")) {
            return Optional.of(new Outcome(state.get(), List.of()));
          }
          // Remembered on the task so that a deployment queues none of its later steps.
          h.createUpdate("UPDATE tasks SET cancel_requested_at = :now WHERE id = :id")
              .bind("now", now)
              .bind("id", taskId)
              .execute();
          int cancelled =
              h.createUpdate(
                      "UPDATE commands SET state = 'CANCELLED', finished_at = :now,"
                          + " message = :message"
                          + " WHERE task_id = :id AND state IN ('PENDING', 'QUEUED', 'DISPATCHED')")
                  .bind("now", now)
                  .bind("message", "cancelled by " + caller + " before its tentacle started it")
                  .bind("id", taskId)
                  .execute();
          events.finished(CommandState.CANCELLED, cancelled);
          h.createUpdate(
                  "UPDATE commands SET cancel_requested_at = :now, cancel_requested_by = :by,"
                      + " message = :message WHERE task_id = :id AND state = 'RUNNING'"
                      + " AND cancel_requested_at IS NULL")
              .bind("now", now)
              .bind("by", caller)
              .bind(
                  "message",
                  "cancel requested by " + caller + "; waiting for the tentacle to stop the script")
              .bind("id", taskId)
              .execute();
          List<String> tell =
              h.createQuery(
                      "SELECT DISTINCT tentacle_id FROM commands WHERE task_id = :id"
                          + " AND state = 'RUNNING'")
                  .bind("id", taskId)
                  .mapTo(String.class)
                  .list();
          TaskStore.closeTaskIfDone(h, taskId, now, events);
          return Optional.of(new Outcome(state.get(), tell));
        });
  }

  /**
   * Claims the cancel requests to hand to one of the tentacle's polls: those never sent, and those
   * sent before {@code resendBefore} whose command still has no result (the answer may have been
   * lost). A conditional update per request keeps two polls from both claiming one.
   */
  public List<String> claimFor(String tentacleId, long now, long resendBefore) {
    return jdbi.inTransaction(
        h -> {
          List<String> due =
              h.createQuery(
                      "SELECT id FROM commands WHERE tentacle_id = :t AND state = 'RUNNING'"
                          + " AND cancel_requested_at IS NOT NULL"
                          + " AND (cancel_sent_at IS NULL OR cancel_sent_at < :before)")
                  .bind("t", tentacleId)
                  .bind("before", resendBefore)
                  .mapTo(String.class)
                  .list();
          List<String> claimed = new ArrayList<>();
          for (String id : due) {
            int updated =
                h.createUpdate(
                        "UPDATE commands SET cancel_sent_at = :now WHERE id = :id"
                            + " AND (cancel_sent_at IS NULL OR cancel_sent_at < :before)")
                    .bind("now", now)
                    .bind("id", id)
                    .bind("before", resendBefore)
                    .execute();
            if (updated == 1) {
              claimed.add(id);
            }
          }
          return claimed;
        });
  }

  /** Makes requests claimed for a poll whose caller left sendable again at once. */
  public void release(List<String> commandIds) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE commands SET cancel_sent_at = NULL WHERE id IN (<ids>)")
                .bindList("ids", commandIds)
                .execute());
  }
}
