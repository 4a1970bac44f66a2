package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Moves deployments along from what is stored, so any node, or a restarted one, can do it: queues
 * the current step's PENDING commands as its window allows, starts the next step once every target
 * of this one succeeded, and closes the task when a step failed (after its other targets finished)
 * or the last step succeeded. Each move runs under the task's row lock, the first lock of every
 * change to a task, so moves are idempotent and never race a result, a cancel or each other.
 */
public final class Orchestration {
  private static final Set<CommandState> IN_FLIGHT =
      EnumSet.of(CommandState.QUEUED, CommandState.DISPATCHED, CommandState.RUNNING);

  private final Jdbi jdbi;
  private final CommandQueue queue;

  public Orchestration(Jdbi jdbi, CommandQueue queue) {
    this.jdbi = jdbi;
    this.queue = queue;
  }

  /** Tentacles that were given commands; tell their waiting polls. */
  public record Moved(List<String> tentaclesToWake) {}

  private record Part(
      String id,
      String tentacleId,
      CommandState state,
      int stepIndex,
      String stepName,
      Integer window) {}

  /** Orchestrated tasks still running and not being cancelled, oldest first. */
  public List<String> runningTasks(int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id FROM tasks WHERE orchestrated AND state = 'RUNNING'"
                        + " AND cancel_requested_at IS NULL ORDER BY created_at, id"
                        + " FETCH FIRST :limit ROWS ONLY")
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
  }

  public Moved advance(String taskId, long now, long pickupTimeoutMillis) {
    return jdbi.inTransaction(h -> advance(h, taskId, now, pickupTimeoutMillis));
  }

  private Moved advance(Handle h, String taskId, long now, long pickupTimeoutMillis) {
    Optional<String> state =
        h.createQuery(
                "SELECT state FROM tasks WHERE id = :id AND orchestrated"
                    + " AND cancel_requested_at IS NULL FOR UPDATE")
            .bind("id", taskId)
            .mapTo(String.class)
            .findOne();
    if (state.isEmpty() || !state.get().equals("RUNNING")) {
      return new Moved(List.of());
    }
    Map<Integer, List<Part>> steps = new TreeMap<>();
    h.createQuery(
            "SELECT c.id, c.tentacle_id, c.state, c.step_index, c.step_name, c.step_window"
                + " FROM commands c JOIN tentacles t ON t.id = c.tentacle_id"
                + " WHERE c.task_id = :id AND c.replaced_by IS NULL"
                + " ORDER BY c.step_index, COALESCE(t.name, t.former_name), c.id")
        .bind("id", taskId)
        .map(
            (rs, ctx) ->
                new Part(
                    rs.getString(1),
                    rs.getString(2),
                    CommandState.valueOf(rs.getString(3)),
                    rs.getInt(4),
                    rs.getString(5),
                    (Integer) rs.getObject(6, Integer.class)))
        .forEach(p -> steps.computeIfAbsent(p.stepIndex(), i -> new ArrayList<>()).add(p));
    for (List<Part> step : steps.values()) {
      if (step.stream().allMatch(p -> p.state() == CommandState.SUCCEEDED)) {
        continue;
      }
      long inFlight = step.stream().filter(p -> IN_FLIGHT.contains(p.state())).count();
      boolean failed =
          step.stream()
              .anyMatch(
                  p -> p.state() == CommandState.FAILED || p.state() == CommandState.CANCELLED);
      if (failed) {
        if (inFlight == 0) {
          fail(h, taskId, step.get(0).stepName(), now);
        }
        return new Moved(List.of());
      }
      List<Part> pending = step.stream().filter(p -> p.state() == CommandState.PENDING).toList();
      Integer window = step.get(0).window();
      long slots = window == null ? pending.size() : Math.max(0, window - inFlight);
      List<String> woken = new ArrayList<>();
      for (Part part : pending.subList(0, (int) Math.min(slots, pending.size()))) {
        int queued =
            h.createUpdate(
                    "UPDATE commands SET state = 'QUEUED', queued_at = :now, pickup_deadline = :deadline,"
                        + " message = NULL WHERE id = :id AND state = 'PENDING'")
                .bind("now", now)
                .bind("deadline", now + pickupTimeoutMillis)
                .bind("id", part.id())
                .execute();
        queue.events().queued(queued);
        woken.add(part.tentacleId());
      }
      return new Moved(woken);
    }
    close(h, taskId, TaskState.SUCCEEDED, now);
    return new Moved(List.of());
  }

  private void fail(Handle h, String taskId, String stepName, long now) {
    h.createUpdate(
            "UPDATE commands SET message = :message WHERE task_id = :id AND state = 'PENDING'"
                + " AND replaced_by IS NULL")
        .bind(
            "message",
            "not started: step '"
                + stepName
                + "' failed; retry its failed targets to continue the deployment")
        .bind("id", taskId)
        .execute();
    close(h, taskId, TaskState.FAILED, now);
  }

  private void close(Handle h, String taskId, TaskState state, long now) {
    TaskEnd.close(h, taskId, state, now, queue.events());
  }

  /** Why a retry was refused, in words a person can act on. */
  public static final class RetryRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryRefused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs a failed target of a deployment again: a fresh command (new id, so the tentacle does not
   * take it for one it already ran) replaces the failed one in its step, and the task runs again
   * from there. Returns false if there is no such orchestrated task.
   */
  public boolean retry(String taskId, String tentacleNameOrCommandId, long now) {
    return jdbi.inTransaction(
        h -> {
          Optional<String> state =
              h.createQuery("SELECT state FROM tasks WHERE id = :id AND orchestrated FOR UPDATE")
                  .bind("id", taskId)
                  .mapTo(String.class)
                  .findOne();
          if (state.isEmpty()) {
            return false;
          }
          if (state.get().equals("CANCELLED")) {
            throw new RetryRefused(
                "task '" + taskId + "' was cancelled; deploy the release again instead");
          }
          List<String> failed =
              h.createQuery(
                      "SELECT c.id FROM commands c JOIN tentacles t ON t.id = c.tentacle_id"
                          + " WHERE c.task_id = :id AND c.replaced_by IS NULL"
                          + " AND c.state IN ('FAILED', 'CANCELLED')"
                          + " AND (c.id = :target OR t.name = :target) ORDER BY c.step_index")
                  .bind("id", taskId)
                  .bind("target", tentacleNameOrCommandId)
                  .mapTo(String.class)
                  .list();
          if (failed.isEmpty()) {
            throw new RetryRefused(
                "task '"
                    + taskId
                    + "' has no failed target '"
                    + tentacleNameOrCommandId
                    + "'; name a tentacle or command id whose step failed (GET /api/tasks/"
                    + taskId
                    + ")");
          }
          queue.addRetry(h, failed.get(0), now);
          h.createUpdate("UPDATE tasks SET state = 'RUNNING', finished_at = NULL WHERE id = :id")
              .bind("id", taskId)
              .execute();
          return true;
        });
  }
}
