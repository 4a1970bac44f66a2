package io.cuttle.tentacle;

import com.google.common.util.concurrent.ListenableFuture;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tentacle's work for one of its servers: keeps a few long polls open to that server on
 * one connection of its own, runs the commands it is handed (one at a time unless configured
 * otherwise, see {@link CommandSlots}), streams their output and reports how they ended.
 *
 * <p>Each poll thread asks for work only while it can promise the command a free slot; otherwise
 * its poll is marked "busy", which tells the server the tentacle is alive and collects cancel
 * requests without bringing work. When a command ends, the busy polls are cancelled so that one of
 * them asks for work at once. Command ids already run are remembered, so a command the server
 * delivers twice (after a lost connection) is answered with its stored outcome, not run again.
 *
 * <p>The server asks for a running command to be cancelled in any poll's answer; the script is then
 * killed with everything it started and reported as cancelled.
 */
final class ServerPoller implements AutoCloseable {
  // Operators read and filter one tentacle log, whichever server a line is about.
  private static final Logger log = LoggerFactory.getLogger(TentacleAgent.class);
  private static final Duration DEFAULT_POLL_WAIT = Duration.ofSeconds(55);
  // Long enough to ride out a server restart or a failover; a script that starts later than that
  // is more surprise than help.
  private static final Duration ACKNOWLEDGE_PATIENCE = Duration.ofMinutes(10);
  private static final List<String> PACKAGE_CAPABILITIES = List.of("package:zip", "package:tar.gz");
  // Tells the server it may send HealthCheck commands; an older tentacle is never sent one.
  private static final String HEALTH_CHECK_CAPABILITY = "health-check";

  private final TentacleConfig config;
  private final ServerLink server;
  private final Path homeDirectory;
  private final PollingConnection connection;
  private final IdentityWatcher identityWatcher;
  private final ServerPins serverPins;
  private final ScriptRunner runner;
  private final PackageCache packages;
  private final ArchiveExtractor extractor = new ArchiveExtractor(ArchiveExtractor.DEFAULT_LIMITS);
  private final ExecutorService executor;
  private final List<Thread> pollers = new ArrayList<>();
  private final CommandSlots slots;
  private final Set<ListenableFuture<PollResponse>> openPolls = ConcurrentHashMap.newKeySet();
  private final Set<ListenableFuture<PollResponse>> busyPolls = ConcurrentHashMap.newKeySet();
  private final CommandJournal journal;
  private final AgentInfo agentInfo;
  private final ProxyPolicy proxies;
  private final String pollingHost;
  private final int pollingPort;
  private final String threadPrefix; // names the server too, for thread dumps of several
  private volatile boolean stopping;
  private final LinkState link;

  /**
   * Polls {@code server}, keeping its journal and work folders in {@code home} ({@code journal/}
   * and {@code work/} for the first server, as before there could be more; {@code journal-<tentacle
   * id>/} and {@code work-<tentacle id>/} for each added one, so command ids never meet).
   */
  ServerPoller(
      TentacleConfig config,
      ServerLink server,
      Identity identity,
      TentacleHome home,
      Map<String, String> environment)
      throws IOException {
    this.config = config;
    this.server = server;
    this.homeDirectory = home.directory();
    String suffix = folderSuffix(config, server);
    this.threadPrefix = "tentacle-" + config.name() + suffix;
    URI polling = URI.create(server.pollingUrl());
    this.pollingHost = polling.getHost();
    this.pollingPort = polling.getPort() == -1 ? 443 : polling.getPort();
    this.proxies = config.proxySetting().policy(environment);
    this.journal = new CommandJournal(home.directory().resolve("journal" + suffix));
    this.serverPins = new ServerPins(home, config.name(), server);
    this.link = new LinkState(config.name(), server.pollingUrl());
    this.connection =
        new PollingConnection(
            server.pollingUrl(),
            identity,
            serverPins.pins(),
            DEFAULT_POLL_WAIT,
            proxies,
            presented -> {
              serverPins.presented(presented);
              link.serverReached();
            });
    // A rotated certificate is picked up while running, so rotation needs no restart.
    this.identityWatcher =
        new IdentityWatcher(
            home.directory(), connection, config.name(), IdentityWatcher.DEFAULT_INTERVAL);
    this.runner = new ScriptRunner(home.directory().resolve("work" + suffix));
    // Shared by every server's poller: packages are named by their SHA-256.
    this.packages =
        new PackageCache(
            home.packageDirectory(),
            server.tentacleId(),
            request -> connection.calls.fetchPackageChunk(request),
            Duration.ofMillis(500),
            java.time.Clock.systemUTC());
    packages.sweep();
    this.slots = new CommandSlots(config.commandSlots(), this::cancelBusyPolls);
    // Unbounded, but the slots bound the scripts; the rest are short result reports.
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, threadPrefix + "-runner");
              thread.setDaemon(true);
              return thread;
            });
    this.agentInfo =
        AgentInfo.newBuilder()
            .setVersion(TentacleAgent.VERSION)
            .addAllCapabilities(Interpreters.capabilities())
            .addAllCapabilities(PACKAGE_CAPABILITIES)
            .addCapabilities(HEALTH_CHECK_CAPABILITY)
            .setPlatform(
                System.getProperty("os.name")
                    + " "
                    + System.getProperty("os.version")
                    + " "
                    + System.getProperty("os.arch"))
            .build();
    for (int i = 0; i < config.pollCount(); i++) {
      Thread poller = new Thread(this::pollLoop, threadPrefix + "-poller-" + i);
      poller.setDaemon(true);
      pollers.add(poller);
    }
  }

  private static String folderSuffix(TentacleConfig config, ServerLink server) throws IOException {
    if (server.equals(config.primaryServer())) {
      return "";
    }
    if (!server.tentacleId().matches("[A-Za-z0-9_-]{1,64}")) {
      // The id came from a server; a hostile one must not name a folder outside the home.
      throw new IOException(
          "tentacleId for "
              + server.serverUrl()
              + ": '"
              + server.tentacleId()
              + "' (expected: letters, digits, '-', '_'); run 'cuttle tentacle poll-server' again");
    }
    return "-" + server.tentacleId();
  }

  /** Reports results a restart left unreported, then starts polling. */
  void start() throws IOException {
    log.info(
        "Tentacle '{}' ({}) polling {} {} as {}, trusting server {}",
        config.name(),
        connection.identity().thumbprint(),
        server.pollingUrl(),
        proxies.describe(pollingHost),
        server.tentacleId(),
        serverPins.describe());
    for (ResultReport unreported : journal.recover(server.tentacleId())) {
      if (unreported.getMessage().equals(CommandJournal.RESTARTED)) {
        log.warn(
            "Command {} from {} was cut short by a restart; reporting that instead of running it"
                + " again",
            unreported.getCommandId(),
            server.serverUrl());
      }
      executor.execute(() -> report(unreported));
    }
    pollers.forEach(Thread::start);
  }

  private void pollLoop() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    while (!stopping) {
      boolean work = slots.promise();
      boolean held = false;
      ListenableFuture<PollResponse> poll =
          connection.polls.poll(
              PollRequest.newBuilder()
                  .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                  .setTentacleId(server.tentacleId())
                  .setAgent(agentInfo)
                  .setBusy(!work)
                  .setFreeSlots(work ? 1 : 0)
                  .setNextServerThumbprint(serverPins.heldNext())
                  .build());
      openPolls.add(poll);
      if (!work) {
        busyPolls.add(poll);
        if (slots.anyUnpromised()) {
          poll.cancel(true); // a command ended between the promise and the poll
        }
      }
      if (stopping) {
        poll.cancel(true);
      }
      try {
        PollResponse response = poll.get();
        link.change(LinkState.State.CONNECTED, null);
        backoff.reset();
        serverPins.afterPoll(response).ifPresent(connection::switchPins);
        response.getCancelCommandIdsList().forEach(this::cancel);
        if (response.hasCommand() && response.getCommand().hasHealthCheck()) {
          // Needs no slot and runs beside anything, so it may come even on a busy poll.
          checkHealth(response.getCommand().getCommandId());
        } else if (response.hasCommand()) {
          if (work) {
            held = accept(response.getCommand());
          } else {
            // No slot for it: unacknowledged, the server hands it out again later.
            log.warn(
                "Server {} sent command {} to a busy poll; leaving it for redelivery",
                server.serverUrl(),
                response.getCommand().getCommandId());
          }
        }
      } catch (CancellationException e) {
        // A command ended while the busy poll was held: poll again for work at once.
      } catch (RuntimeException e) {
        // Never let one bad command end polling for good.
        log.error("Unexpected failure handling a poll of {}; polling on", server.serverUrl(), e);
        sleep(backoff.next());
      } catch (ExecutionException e) {
        if (stopping) {
          return;
        }
        explainFailure(e.getCause());
        sleep(backoff.next());
      } catch (InterruptedException e) {
        return;
      } finally {
        openPolls.remove(poll);
        busyPolls.remove(poll);
        if (work && !held) {
          slots.unpromise();
        }
      }
    }
  }

  /** A slot came free: busy polls ask again, so that one of them brings work at once. */
  private void cancelBusyPolls() {
    busyPolls.forEach(poll -> poll.cancel(true));
  }

  /** Runs the command in the slot its poll promised; false when it did not need one. */
  private boolean accept(Command command) {
    String id = command.getCommandId();
    try {
      Optional<ResultReport> stored = journal.result(id);
      if (stored.isPresent()) {
        log.info(
            "Command {} from {} was delivered again; it already ran, so its stored result is"
                + " reported",
            id,
            server.serverUrl());
        executor.execute(() -> report(stored.get()));
        return false;
      }
      if (!journal.start(id)) {
        return false; // running now: a redelivery that crossed our acknowledgement
      }
      Optional<Boolean> proceed = acknowledge(id);
      if (proceed.isEmpty()) {
        if (!stopping) {
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
        return Optional.of(connection.calls.acknowledge(request).getProceed());
      } catch (RuntimeException e) {
        if (!(e instanceof StatusRuntimeException sre && worthRetrying(sre.getStatus().getCode()))
            || stopping
            || Thread.currentThread().isInterrupted()
            || System.nanoTime() - giveUpAt >= 0) {
          log.warn(
              "Could not acknowledge command {} to {} ({}); not running it",
              id,
              server.serverUrl(),
              rootMessage(e));
          return Optional.empty();
        }
        if (attempt == 1) { // one line per command, not per retry
          log.info(
              "Could not acknowledge command {} to {} ({}); trying again for up to {} minutes",
              id,
              server.serverUrl(),
              rootMessage(e),
              ACKNOWLEDGE_PATIENCE.toMinutes());
        }
        sleep(backoff.next());
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
  private void checkHealth(String id) {
    executor.execute(
        () -> {
          ResultReport report =
              SelfCheck.run(homeDirectory)
                  .setTentacleId(server.tentacleId())
                  .setCommandId(id)
                  .build();
          if (deliver(report)) {
            log.debug("Health check {} from {} reported", id, server.serverUrl());
          }
        });
  }

  private void cancel(String id) {
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
    String id = command.getCommandId();
    try {
      OutputShipper output = new OutputShipper(server.tentacleId(), id, connection.calls);
      ResultReport.Builder result;
      java.util.concurrent.atomic.AtomicBoolean scriptDone =
          new java.util.concurrent.atomic.AtomicBoolean();
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
      result = run(command, output);
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
      report(report);
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

  private void report(ResultReport report) {
    if (!deliver(report)) {
      return;
    }
    try {
      journal.reported(report.getCommandId());
    } catch (IOException e) {
      log.warn(
          "Could not note that command {} was reported: {}", report.getCommandId(), e.toString());
    }
  }

  /** Reports until the server has recorded it; false when it never will (or we stop first). */
  private boolean deliver(ResultReport report) {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    while (!stopping) {
      try {
        if (connection.calls.reportResult(report).getRecorded()) {
          return true;
        }
        log.debug("Server is missing output of {}; waiting for the shipper", report.getCommandId());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          log.warn(
              "Server {} does not know command {}: {}",
              server.serverUrl(),
              report.getCommandId(),
              e.getStatus().getDescription());
          return false;
        }
      }
      sleep(backoff.next());
    }
    return false;
  }

  private static String describe(ResultReport report) {
    return report.getOutcome() == ResultReport.Outcome.COMPLETED
        ? "exit code " + report.getExitCode()
        : report.getMessage();
  }

  private void explainFailure(Throwable cause) {
    Thumbprint mismatch = connection.takeMismatch();
    if (mismatch != null) {
      link.change(
          LinkState.State.REFUSED,
          "Refusing to talk to "
              + server.pollingUrl()
              + ": it presented certificate thumbprint "
              + mismatch
              + " but this tentacle pinned "
              + serverPins.describe()
              + ". If the server's certificate changed on purpose (for example it was rotated"
              + " while this tentacle was stopped), register again with --force; otherwise"
              + " something is intercepting the connection");
      return;
    }
    Optional<String> proxyRefusal = connection.tunnels.explain(cause, pollingHost, pollingPort);
    if (proxyRefusal.isPresent()) {
      link.change(LinkState.State.PROXY_REFUSED, proxyRefusal.get());
      return;
    }
    if (cause instanceof StatusRuntimeException sre) {
      Status.Code code = sre.getStatus().getCode();
      if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
        link.change(
            LinkState.State.REFUSED,
            "The server at "
                + server.pollingUrl()
                + " refused this tentacle: "
                + sre.getStatus().getDescription()
                + ". Register it again with 'cuttle tentacle register --instance ...'");
        return;
      }
    }
    link.change(
        LinkState.State.DISCONNECTED,
        "Cannot reach the polling endpoint "
            + server.pollingUrl()
            + " ("
            + rootMessage(cause)
            + "); retrying with backoff");
  }

  private static String rootMessage(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops polling and closes the connection; a running script is killed. */
  @Override
  public void close() {
    stopping = true;
    openPolls.forEach(poll -> poll.cancel(true));
    pollers.forEach(Thread::interrupt);
    identityWatcher.close();
    executor.shutdownNow();
    try {
      for (Thread poller : pollers) {
        poller.join(5000);
      }
      executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connection.close();
  }
}
