package io.cuttle.server.deploy;

import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.Orchestration;
import io.cuttle.server.polling.PollWaiters;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances deployments: at once when one of their commands ends, and on a periodic sweep over every
 * running one, which also picks up what a restarted server or another node left off. All state is
 * in the database ({@link Orchestration}), so advancing twice does no harm.
 */
public final class Orchestrator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
  private static final int SWEEP_BATCH = 500;

  private final Orchestration orchestration;
  private final PollWaiters waiters;
  private final Clock clock;
  private final Duration pickupTimeout;
  private final Executor executor;
  private final DatabaseAvailability database;
  private final ScheduledFuture<?> sweeper;

  public Orchestrator(
      Orchestration orchestration,
      PollWaiters waiters,
      Clock clock,
      Duration pickupTimeout,
      Duration sweepInterval,
      DatabaseAvailability database,
      ScheduledExecutorService scheduler) {
    this.orchestration = orchestration;
    this.waiters = waiters;
    this.clock = clock;
    this.pickupTimeout = pickupTimeout;
    this.executor = scheduler;
    this.database = database;
    long every = sweepInterval.toMillis();
    this.sweeper =
        scheduler.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
  }

  /** Advances the task soon, off the caller's thread (a poll recording a result). */
  public void advanceSoon(String taskId) {
    try {
      executor.execute(() -> advanceSafely(taskId));
    } catch (RejectedExecutionException e) {
      // Shutting down: the sweep of the next start continues from the stored state.
    }
  }

  /** Advances one task now, if it is a deployment that can move. */
  public void advance(String taskId) {
    orchestration
        .advance(taskId, clock.millis(), pickupTimeout.toMillis())
        .tentaclesToWake()
        .forEach(waiters::signal);
  }

  /** Advances every running deployment. */
  private void sweep() {
    orchestration.runningTasks(SWEEP_BATCH).forEach(this::advanceSafely);
  }

  private void advanceSafely(String taskId) {
    try {
      advance(taskId);
    } catch (RuntimeException e) {
      if (database.failed(e)) {
        return; // the next sweep after it is back retries
      }
      log.warn(
          "Could not advance deployment task {}; the next sweep retries: {}", taskId, e.toString());
      log.debug("Advance failure", e);
    }
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException | Error e) {
      if (database.failed(e)) {
        return;
      }
      log.warn("Could not sweep deployments; will retry: {}", e.toString());
      log.debug("Sweep failure", e);
    }
  }

  @Override
  public void close() {
    sweeper.cancel(false);
  }
}
