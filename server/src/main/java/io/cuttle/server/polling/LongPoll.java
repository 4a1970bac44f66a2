package io.cuttle.server.polling;

import io.cuttle.server.data.Cancellations;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.identity.ServerIdentities;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.PollResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held poll: answers with the cancel requests for commands the tentacle is running, else with
 * its pending health check, else with the first command queued for it, or empty when the wait ends.
 * A busy poll takes no work but does take cancel requests and health checks (which need no slot):
 * while a script runs it may be the tentacle's only open poll. A poll with free slots takes one
 * command per answer, so a tentacle gets no more than it said it can run. Claims run one at a time
 * per poll; whatever was claimed for a poll whose caller has gone meanwhile is released.
 */
final class LongPoll {
  /**
   * Twice the most polls a tentacle holds open (TentacleConfig.MAX_CONCURRENT_POLLS, 16): room for
   * a full set left over from a connection that broke without a word, until they expire, beside the
   * set it opens on reconnecting. Beyond that a caller only ties up the server.
   */
  static final int MAX_HELD_POLLS = 32;

  private final AuthenticatedTentacle tentacle;
  private final boolean busy;
  private final ServerCallStreamObserver<PollResponse> observer;
  private final CommandQueue queue;
  private final Cancellations cancellations;
  private final PollWaiters waiters;
  private final Executor blocking;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Duration wait;
  private final Duration redeliverAfter;
  private final ServerIdentities serverIdentities;
  private final ConnectedTentacles connected;
  private final ConnectedTentacles.Door door;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile AutoCloseable registration;
  private volatile ScheduledFuture<?> timeout;

  LongPoll(
      AuthenticatedTentacle tentacle,
      int freeSlots,
      ServerCallStreamObserver<PollResponse> observer,
      PollingContext context,
      ConnectedTentacles.Door door) {
    this.tentacle = tentacle;
    this.busy = freeSlots == 0;
    this.observer = observer;
    this.queue = context.queue();
    this.cancellations = context.cancellations();
    this.waiters = context.waiters();
    this.blocking = context.blocking();
    this.scheduler = context.scheduler();
    this.clock = context.clock();
    this.wait = context.pollWait();
    this.redeliverAfter = context.redeliverAfter();
    this.serverIdentities = context.serverIdentities();
    this.connected = context.connected();
    this.door = door;
  }

  void start() {
    Optional<AutoCloseable> held =
        waiters.tryAwait(
            tentacle.id(),
            MAX_HELD_POLLS,
            () -> blocking.execute(this::attempt),
            this::refuseRevoked);
    if (held.isEmpty()) {
      done.set(true);
      observer.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "tentacle '"
                      + tentacle.name()
                      + "' already holds "
                      + MAX_HELD_POLLS
                      + " polls open on this server, the most it allows, so this one is refused;"
                      + " a tentacle opens at most "
                      + MAX_HELD_POLLS / 2
                      + " (concurrentPolls in tentacle.json): more are left over from a broken"
                      + " connection, and end within the poll wait, or another process is using"
                      + " this tentacle's certificate")
              .asRuntimeException());
      return;
    }
    Runnable counted = connected.holding(tentacle.id(), door);
    AutoCloseable waiting = held.get();
    registration =
        () -> {
          counted.run();
          waiting.close();
        };
    if (done.get()) {
      // Ended (revoked) before the handle above was stored, so finish() could not close it.
      closeRegistration();
      return;
    }
    observer.setOnCancelHandler(this::finish);
    timeout = scheduler.schedule(this::expire, wait.toMillis(), TimeUnit.MILLISECONDS);
    // A command queued before the registration above sent its signal to nobody: look once now.
    try {
      attempt();
    } catch (RuntimeException e) {
      // The call ends with this failure (PollingFailures answers it, e.g. UNAVAILABLE while the
      // database is): its wait must not stay behind, holding one of the tentacle's poll places.
      finish();
      throw e;
    }
  }

  private synchronized void attempt() {
    if (done.get()) {
      return;
    }
    long now = clock.millis();
    List<String> cancels =
        cancellations.claimFor(tentacle.id(), now, now - redeliverAfter.toMillis());
    if (!cancels.isEmpty()) {
      if (finish()) {
        observer.onNext(response().addAllCancelCommandIds(cancels).build());
        observer.onCompleted();
      } else {
        cancellations.release(cancels);
      }
      return;
    }
    long redeliverBefore = now - redeliverAfter.toMillis();
    Optional<Command> command =
        queue.claimHealthCheck(tentacle.id(), tentacle.route(), now, redeliverBefore);
    if (command.isEmpty() && !busy) {
      command = queue.claimNext(tentacle.id(), tentacle.route(), now, redeliverBefore);
    }
    if (command.isEmpty()) {
      return;
    }
    if (finish()) {
      observer.onNext(response().setCommand(command.get()).build());
      observer.onCompleted();
    } else {
      queue.release(command.get().getCommandId());
    }
  }

  private void refuseRevoked() {
    if (finish()) {
      observer.onError(
          Status.UNAUTHENTICATED
              .withDescription(TentacleAuthenticator.REFUSAL)
              .asRuntimeException());
    }
  }

  private void expire() {
    if (finish()) {
      observer.onNext(response().build());
      observer.onCompleted();
    }
  }

  /** Ends the wait exactly once; true for the caller that ended it. */
  private boolean finish() {
    if (!done.compareAndSet(false, true)) {
      return false;
    }
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    closeRegistration();
    return true;
  }

  private void closeRegistration() {
    AutoCloseable r = registration;
    if (r != null) {
      try {
        r.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private PollResponse.Builder response() {
    PollResponse.Builder response = PollResponse.newBuilder().setPollWaitMillis(wait.toMillis());
    // Every answer, not only the first: a tentacle that lost its tentacle.json pin, or was
    // restored from a backup, learns it again.
    serverIdentities
        .next()
        .ifPresent(next -> response.setNextServerThumbprint(next.thumbprint().toString()));
    return response;
  }
}
