package io.cuttle.client;

import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskView;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Follows a task's log until the task finishes, handing each line over as it arrives.
 *
 * <p>The task runs on the server whatever happens to this connection, so a read that fails because
 * the connection was lost or the node answering it died is retried, with backoff, from the last
 * line handed over: a follower that gave up would report a failure for a task that goes on to
 * succeed (and a CI job retrying on that failure would run the task twice). Only a server that
 * stays unreachable for {@link #giveUpAfter} ends the follow.
 */
public final class TaskFollower {
  private static final Duration IDLE_PAUSE = Duration.ofMillis(200);
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
  private static final Duration DEFAULT_GIVE_UP = Duration.ofMinutes(10);

  /** What a follower tells its user besides the lines. Every method has a silent default. */
  public interface Watcher {
    /** A line of the log, and the task as it stood when the line was read. */
    void line(LogEntry line, TaskView task);

    /** A read brought no new line; called at most every {@link #IDLE_PAUSE}. */
    default void idle(TaskView task) {}

    /** A read failed and will be retried after {@code retryIn}. */
    default void connectionLost(ApiException failure, Duration retryIn) {}

    /** A read succeeded again after {@link #connectionLost}. */
    default void reconnected() {}
  }

  private final ApiClient client;
  private final Duration giveUpAfter;

  public TaskFollower(ApiClient client) {
    this(client, DEFAULT_GIVE_UP);
  }

  /**
   * A follower that stops retrying once the server has been unreachable for {@code giveUpAfter}.
   */
  public TaskFollower(ApiClient client, Duration giveUpAfter) {
    this.client = client;
    this.giveUpAfter = giveUpAfter;
  }

  /** Blocks until the task has finished and every line has been handed to {@code onLine}. */
  public TaskView follow(String taskId, Consumer<LogEntry> onLine) throws InterruptedException {
    return watch(taskId, (line, task) -> onLine.accept(line));
  }

  /** Blocks until the task has finished and every line has been handed to {@code watcher}. */
  public TaskView watch(String taskId, Watcher watcher) throws InterruptedException {
    long after = 0;
    while (true) {
      TaskLog page = read(taskId, after, watcher);
      page.lines().forEach(line -> watcher.line(line, page.task()));
      after = page.next();
      if (page.lines().isEmpty()) {
        if (page.task().state().finished()) {
          return page.task();
        }
        watcher.idle(page.task());
        Thread.sleep(IDLE_PAUSE.toMillis());
      }
    }
  }

  /** One page of the log after line {@code after}, retried through lost connections. */
  private TaskLog read(String taskId, long after, Watcher watcher) throws InterruptedException {
    Duration pause = FIRST_RETRY;
    Long lostAt = null; // System.nanoTime() of the first failed read in a row
    while (true) {
      try {
        TaskLog page = client.log(taskId, after);
        if (lostAt != null) {
          watcher.reconnected();
        }
        return page;
      } catch (ApiException e) {
        if (!isPassing(e)) {
          throw e;
        }
        long now = System.nanoTime();
        if (lostAt == null) {
          lostAt = now;
        } else if (Duration.ofNanos(now - lostAt).compareTo(giveUpAfter) >= 0) {
          throw new ApiException(
              e.getMessage()
                  + " (for "
                  + giveUpAfter.toSeconds()
                  + " s while following task "
                  + taskId
                  + "; the task goes on on the server)",
              e);
        }
        watcher.connectionLost(e, pause);
        Thread.sleep(pause.toMillis());
        pause =
            pause.multipliedBy(2).compareTo(LONGEST_RETRY) > 0
                ? LONGEST_RETRY
                : pause.multipliedBy(2);
      }
    }
  }

  /**
   * True for failures a retry may cure: no answer at all (a lost connection, a node that died, a
   * server restarting) or a gateway's 502/503/504 while the router finds another node. A refused
   * handshake (wrong thumbprint) and the server's own refusals (401, 404) stay as they are.
   */
  static boolean isPassing(ApiException e) {
    if (e.status() == 502 || e.status() == 503 || e.status() == 504) {
      return true;
    }
    if (e.status() != 0) {
      return false;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return false;
      }
    }
    return e.getCause() != null;
  }
}
