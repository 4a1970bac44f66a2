package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.HealthCheckView;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.HealthCheck;
import io.cuttle.wire.polling.v1.Isolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Health-check commands: queued at most one pending per tentacle, and the facts tentacles report.
 */
public final class HealthCheckStore {
  private final Jdbi jdbi;
  private final CommandQueue queue;
  private final TaskStore tasks;

  public HealthCheckStore(Jdbi jdbi, CommandQueue queue, TaskStore tasks) {
    this.jdbi = jdbi;
    this.queue = queue;
    this.tasks = tasks;
  }

  /** Which of the tentacles were queued a check, and which already had one pending. */
  public record Queued(String taskId, List<TentacleRecord> queued, List<TentacleRecord> pending) {}

  /**
   * Queues a check for each tentacle that has none pending, in one new task (none when every one
   * has a check pending). Each tentacle's row lock is taken first, so two requests at once cannot
   * both see no check pending and queue two.
   */
  public Queued queue(List<TentacleRecord> targets, String caller, long now, long pickupDeadline) {
    return jdbi.inTransaction(
        h -> {
          List<TentacleRecord> due = new ArrayList<>();
          List<TentacleRecord> pending = new ArrayList<>();
          for (TentacleRecord target : targets) {
            boolean registered =
                h.createQuery("SELECT id FROM tentacles WHERE id = :t FOR UPDATE")
                    .bind("t", target.id())
                    .mapTo(String.class)
                    .findOne()
                    .isPresent();
            if (registered) {
              (pendingTask(h, target.id()).isPresent() ? pending : due).add(target);
            }
          }
          if (due.isEmpty()) {
            return new Queued(null, due, pending);
          }
          String taskId = Ids.newId("K-");
          tasks.create(
              h,
              taskId,
              "Health check of " + due.size() + " tentacle" + (due.size() == 1 ? "" : "s"),
              caller,
              now);
          for (TentacleRecord target : due) {
            Command command =
                Command.newBuilder()
                    .setCommandId(Ids.newId("C-"))
                    .setHealthCheck(HealthCheck.getDefaultInstance())
                    .setIsolation(Isolation.newBuilder().setAllowConcurrency(true))
                    .build();
            queue.enqueue(h, taskId, target.id(), command, now, pickupDeadline);
            h.createUpdate("UPDATE commands SET health_check = TRUE WHERE id = :id")
                .bind("id", command.getCommandId())
                .execute();
          }
          return new Queued(taskId, due, pending);
        });
  }

  private static Optional<String> pendingTask(Handle h, String tentacleId) {
    return h.createQuery(
            "SELECT task_id FROM commands WHERE tentacle_id = :t AND health_check = TRUE"
                + " AND state "
                + TaskStore.UNFINISHED
                + " FETCH FIRST 1 ROWS ONLY")
        .bind("t", tentacleId)
        .mapTo(String.class)
        .findOne();
  }

  /** Whether the tentacle has a check queued or running. */
  public boolean isPending(String tentacleId) {
    return jdbi.withHandle(h -> pendingTask(h, tentacleId).isPresent());
  }

  /** Whether this tentacle's command {@code commandId} is a health check (false if unknown). */
  public boolean isHealthCheck(String tentacleId, String commandId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT health_check FROM commands WHERE id = :id AND tentacle_id = :t")
                .bind("id", commandId)
                .bind("t", tentacleId)
                .mapTo(Boolean.class)
                .findOne()
                .orElse(false));
  }

  /** The tentacle's latest check that has an outcome. */
  public Optional<HealthCheckView> latestFinished(String tentacleId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT task_id, state, queued_at, finished_at, message,"
                        + " health_free_disk_bytes, health_details FROM commands"
                        + " WHERE tentacle_id = :t AND health_check = TRUE"
                        + " AND finished_at IS NOT NULL"
                        + " ORDER BY finished_at DESC, queued_at DESC FETCH FIRST 1 ROWS ONLY")
                .bind("t", tentacleId)
                .map(
                    (rs, ctx) ->
                        new HealthCheckView(
                            rs.getString("task_id"),
                            CommandState.valueOf(rs.getString("state")),
                            rs.getLong("queued_at"),
                            (Long) rs.getObject("finished_at", Long.class),
                            rs.getString("message"),
                            (Long) rs.getObject("health_free_disk_bytes", Long.class),
                            rs.getString("health_details")))
                .findOne());
  }

  /** When each tentacle was last queued a check, for those ever checked. */
  public Map<String, Long> lastQueued() {
    return jdbi.withHandle(
        h ->
            h
                .createQuery(
                    "SELECT tentacle_id, MAX(queued_at) FROM commands WHERE health_check = TRUE"
                        + " GROUP BY tentacle_id")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }
}
