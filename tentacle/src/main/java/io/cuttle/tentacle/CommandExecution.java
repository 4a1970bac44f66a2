package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ResultReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a tentacle does with a command one server handed it: checks the journal so a redelivered
 * command is answered with its stored outcome instead of running twice, acknowledges it, runs its
 * script while its output ships, and reports how it ended. Health checks and cancel requests come
 * here too.
 */
final class CommandExecution {
  private static final Logger log = LoggerFactory.getLogger(TentacleAgent.class);
  // Long enough to ride out a server restart or a failover; a script that starts later than that
  // is more surprise than help.
  private static final Duration ACKNOWLEDGE_PATIENCE = Duration.ofMinutes(10);

  private final ServerLink server;
  private final PollingServiceGrpc.PollingServiceBlockingStub calls;
  private final CommandJournal journal;
  private final ResultDelivery delivery;
  private final CommandSlots slots;
  private final ScriptRunner runner;
  private final PackageCache packages;
  private final ArchiveExtractor extractor;
  private final ExecutorService executor;
  private final Path homeDirectory;
  private final String threadPrefix;
  private final BooleanSupplier stopping;

  CommandExecution(
      ServerLink server,
      PollingServiceGrpc.PollingServiceBlockingStub calls,
      CommandJournal journal,
      ResultDelivery delivery,
      CommandSlots slots,
      ScriptRunner runner,
      PackageCache packages,
      ArchiveExtractor extractor,
      ExecutorService executor,
      Path homeDirectory,
      String threadPrefix,
      BooleanSupplier stopping) {
    this.server = server;
    this.calls = calls;
    this.journal = journal;
    this.delivery = delivery;
    this.slots = slots;
    this.runner = runner;
    this.packages = packages;
    this.extractor = extractor;
    this.executor = executor;
    this.homeDirectory = homeDirectory;
    this.threadPrefix = threadPrefix;
    this.stopping = stopping;
  }

  /** Runs the command in the slot its poll promised; false when it did not need one. */
  boolean accept(Command command) {
    // Every line about a command names it as a field of its own in --log-format json.
    try (MDC.MDCCloseable context = MDC.putCloseable("command", command.getCommandId())) {
      return acceptNamed(command);
    }
  }

  private boolean acceptNamed(Command command) {
    String id = command.getCommandId();
    try {
      Optional<ResultReport> stored = journal.result(id);
      if (stored.isPresent()) {
        log.info(
            "Command {} from {} was delivered again; it already ran, so its stored result is"
                + " reported",
            id,
            server.serverUrl());
        executor.execute(() -> delivery.report(stored.get()));
        return false;
      }
      if (!journal.start(id)) {
        return false; // running now: a redelivery that crossed our acknowledgement
      }
      Optional<Boolean> proceed = acknowledge(id);
      if (proceed.isEmpty()) {
        if (!stopping.getAsBoolean()) {
          journal.abandon(id);
        }
        // Stopping: the journal keeps it started, so the next start reports it as cut short by a
        // restart, which also settles it should the server have recorded it running.
        return false;
      }
      if (!proceed.get()) {
        journal.abandon(id);
        log.info("Server {} no longer wants command {} run; dropping it", server.serverUrl(), id);
        return false;
      }
    } catch (IOException e) {
      log.error(
          "Cannot record command {} from {} in the journal; not running it: {}",
          id,
          server.serverUrl(),
          e.toString());
      return false;
    }
    slots.hold();
    executor.execute(() -> execute(command));
    return true;
  }

  /**
   * Tells the server the command starts, retrying while the server cannot be reached: the server
   * may have recorded the command running before the answer was lost, and it never hands out a
   * running command again, so giving up here would leave the task waiting for good. Answering the
   * same acknowledgement twice is harmless on the server. Empty when the server refused it or did
   * not answer within {@link #ACKNOWLEDGE_PATIENCE}.
   */
  private Optional<Boolean> acknowledge(String id) {
    AcknowledgeRequest request =
        AcknowledgeRequest.newBuilder().setTentacleId(server.tentacleId()).setCommandId(id).build();
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    long giveUpAt = System.nanoTime() + ACKNOWLEDGE_PATIENCE.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return Optional.of(calls.acknowledge(request).getProceed());
      } catch (RuntimeException e) {
        if (!(e instanceof StatusRuntimeException sre && worthRetrying(sre.getStatus().getCode()))
            || stopping.getAsBoolean()
            || Thread.currentThread().isInterrupted()
            || System.nanoTime() - giveUpAt >= 0) {
          log.warn(
              "Could not acknowledge command {} to {} ({}); not running it",
              id,
              server.serverUrl(),
              LinkFailures.rootMessage(e));
          return Optional.empty();
        }
        if (attempt == 1) { // one line per command, not per retry
          log.info(
              "Could not acknowledge command {} to {} ({}); trying again for up to {} minutes",
              id,
              server.serverUrl(),
              LinkFailures.rootMessage(e),
              ACKNOWLEDGE_PATIENCE.toMinutes());
        }
        Backoff.sleep(backoff.next());
      }
    }
  }

  private static boolean worthRetrying(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE,
          DEADLINE_EXCEEDED,
          UNKNOWN,
          INTERNAL,
          ABORTED,
          RESOURCE_EXHAUSTED,
          CANCELLED ->
          true;
      default -> false; // the server answered: unknown command, refused tentacle, bad request
    };
  }

  /**
   * Reports facts about this tentacle on the side, without a slot, journal entry or
   * acknowledgement: running a check twice (after a lost answer) is harmless.
   */
  void checkHealth(String id) {
    executor.execute(
        () -> {
          ResultReport report =
              SelfCheck.run(homeDirectory)
                  .setTentacleId(server.tentacleId())
                  .setCommandId(id)
                  .build();
          if (delivery.deliver(report)) {
            log.debug("Health check {} from {} reported", id, server.serverUrl());
          }
        });
  }

  void cancel(String id) {
    try {
      if (!journal.unfinished(id)) {
        // Ended already (its result is on its way) or never ours: nothing to stop.
        log.debug("Asked to cancel command {}, which is not running here", id);
        return;
      }
    } catch (IOException | IllegalArgumentException e) {
      log.warn(
          "Cannot check the journal for command {} before cancelling it: {}", id, e.toString());
      return;
    }
    log.info(
        "Cancelling command {} as {} asked: killing its script and all it started",
        id,
        server.serverUrl());
    runner.cancel(id);
  }

  private void execute(Command command) {
    try (MDC.MDCCloseable context = MDC.putCloseable("command", command.getCommandId())) {
      executeNamed(command);
    }
  }

  private void executeNamed(Command command) {
    String id = command.getCommandId();
    try {
      OutputShipper output = new OutputShipper(server.tentacleId(), id, calls);
      AtomicBoolean scriptDone = new AtomicBoolean();
      Thread shipping =
          new Thread(
              () -> {
                try {
                  output.shipUntil(scriptDone::get);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              threadPrefix + "-output");
      shipping.setDaemon(true);
      slots.begin(id, command.getIsolation());
      shipping.start();
      ResultReport.Builder result = run(command, output);
      if (command.hasDeployPackage()) {
        packages.sweep();
      }
      scriptDone.set(true);
      shipping.join();
      ResultReport report =
          result
              .setTentacleId(server.tentacleId())
              .setCommandId(id)
              .setLastSequence(output.lastSequence())
              .build();
      journal.finish(report);
      delivery.report(report);
      log.info("Command {} from {} finished: {}", id, server.serverUrl(), describe(report));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.error(
          "Cannot store the result of command {} from {}; it will be reported as cut short",
          id,
          server.serverUrl(),
          e);
    } finally {
      slots.end(id);
    }
  }

  private ResultReport.Builder run(Command command, OutputShipper output)
      throws InterruptedException {
    String id = command.getCommandId();
    return switch (command.getKindCase()) {
      case RUN_SCRIPT -> runner.run(id, command.getRunScript(), output);
      case DEPLOY_PACKAGE ->
          runner.run(
              id,
              command.getDeployPackage().getScript(),
              output,
              new PackageWorkspace(packages, extractor, id, command.getDeployPackage()));
      default ->
          ResultReport.newBuilder()
              .setOutcome(ResultReport.Outcome.FAILED)
              .setMessage(
                  "this tentacle (version "
                      + TentacleAgent.VERSION
                      + ") does not know this kind of command; upgrade it");
    };
  }

  private static String describe(ResultReport report) {
    return report.getOutcome() == ResultReport.Outcome.COMPLETED
        ? "exit code " + report.getExitCode()
        : report.getMessage();
  }
}
