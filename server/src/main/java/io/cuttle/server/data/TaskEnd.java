package io.cuttle.server.data;

import io.cuttle.wire.api.TaskState;
import org.jdbi.v3.core.Handle;

/** Ends a running task: its state, its finish time, and its duration told to the metrics. */
final class TaskEnd {
  private TaskEnd() {}

  /** Closes the task with {@code state} unless it has already ended. */
  static void close(Handle h, String taskId, TaskState state, long now, CommandEvents events) {
    int updated =
        h.createUpdate(
                "UPDATE tasks SET state = :state, finished_at = :now WHERE id = :id"
                    + " AND state = 'RUNNING'")
            .bind("state", state.name())
            .bind("now", now)
            .bind("id", taskId)
            .execute();
    if (updated == 1 && events != CommandEvents.NONE) {
      long createdAt =
          h.createQuery("SELECT created_at FROM tasks WHERE id = :id")
              .bind("id", taskId)
              .mapTo(Long.class)
              .one();
      events.taskFinished(state, Math.max(0, now - createdAt));
    }
  }
}
