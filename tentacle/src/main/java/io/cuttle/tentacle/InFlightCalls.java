package io.cuttle.tentacle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Counts the calls under way on one connection, so a connection replaced by a newer one can be
 * closed as soon as its last call ends rather than cutting off a poll or an output batch.
 */
final class InFlightCalls {
  private int count;
  private Runnable onIdle;

  synchronized void started() {
    count++;
  }

  void ended() {
    Runnable run = null;
    synchronized (this) {
      count--;
      if (count == 0 && onIdle != null) {
        run = onIdle;
        onIdle = null;
      }
    }
    if (run != null) {
      run.run();
    }
  }

  /**
   * Runs {@code close} (which must not block: it may run on an event loop) once no call is under
   * way, at once if none is, and at the latest after {@code atMost}: a call that never ends must
   * not keep a connection open for good.
   */
  void closeWhenIdle(Runnable close, Duration atMost) {
    synchronized (this) {
      if (count > 0) {
        onIdle = close;
        CompletableFuture.delayedExecutor(atMost.toMillis(), TimeUnit.MILLISECONDS)
            .execute(this::closeNow);
        return;
      }
    }
    close.run();
  }

  private void closeNow() {
    Runnable run;
    synchronized (this) {
      run = onIdle;
      onIdle = null;
    }
    if (run != null) {
      run.run();
    }
  }
}
