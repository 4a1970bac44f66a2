package io.cuttle.client;

import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskView;
import java.time.Duration;
import java.util.function.Consumer;

/** Follows a task's log until the task finishes, handing each line over as it arrives. */
public final class TaskFollower {
  private static final Duration IDLE_PAUSE = Duration.ofMillis(200);

  private final ApiClient client;

  public TaskFollower(ApiClient client) {
    this.client = client;
  }

  /** Blocks until the task has finished and every line has been handed to {@code onLine}. */
  public TaskView follow(String taskId, Consumer<LogEntry> onLine) throws InterruptedException {
    long after = 0;
    while (true) {
      TaskLog page = client.log(taskId, after);
      page.lines().forEach(onLine);
      after = page.next();
      if (page.lines().isEmpty()) {
        if (page.task().state().finished()) {
          return page.task();
        }
        Thread.sleep(IDLE_PAUSE.toMillis());
      }
    }
  }
}
