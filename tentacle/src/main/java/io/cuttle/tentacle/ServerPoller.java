package io.cuttle.tentacle;

import com.google.common.util.concurrent.ListenableFuture;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private static final List<String> PACKAGE_CAPABILITIES = List.of("package:zip", "package:tar.gz");
  // Tells the server it may send HealthCheck commands; an older tentacle is never sent one.
  private static final String HEALTH_CHECK_CAPABILITY = "health-check";

  private final TentacleConfig config;
  private final ServerLink server;
  private final PollingConnection connection;
  private final IdentityWatcher identityWatcher;
  private final ServerPins serverPins;
  private final ExecutorService executor;
  private final List<Thread> pollers = new ArrayList<>();
  private final CommandSlots slots;
  private final Set<ListenableFuture<PollResponse>> openPolls = ConcurrentHashMap.newKeySet();
  private final Set<ListenableFuture<PollResponse>> busyPolls = ConcurrentHashMap.newKeySet();
  private final CommandJournal journal;
  private final ResultDelivery delivery;
  private final CommandExecution commands;
  private final AgentInfo agentInfo;
  private final ProxyPolicy proxies;
  private final String pollingHost;
  private volatile boolean stopping;
  private final LinkState link;
  private final LinkFailures failures;

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
    String suffix = folderSuffix(config, server);
    // Names the server too, for thread dumps of several.
    String threadPrefix = "tentacle-" + config.name() + suffix;
    URI polling = URI.create(server.pollingUrl());
    this.pollingHost = polling.getHost();
    int pollingPort = polling.getPort() == -1 ? 443 : polling.getPort();
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
    ScriptRunner runner = new ScriptRunner(home.directory().resolve("work" + suffix));
    // Shared by every server's poller: packages are named by their SHA-256.
    PackageCache packages =
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
    this.failures =
        new LinkFailures(server, connection, serverPins, link, pollingHost, pollingPort);
    this.delivery = new ResultDelivery(server, connection.calls, journal, () -> stopping);
    this.commands =
        new CommandExecution(
            server,
            connection.calls,
            journal,
            delivery,
            slots,
            runner,
            packages,
            new ArchiveExtractor(ArchiveExtractor.DEFAULT_LIMITS),
            executor,
            home.directory(),
            threadPrefix,
            () -> stopping);
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
      executor.execute(() -> delivery.report(unreported));
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
        response.getCancelCommandIdsList().forEach(commands::cancel);
        if (response.hasCommand() && response.getCommand().hasHealthCheck()) {
          // Needs no slot and runs beside anything, so it may come even on a busy poll.
          commands.checkHealth(response.getCommand().getCommandId());
        } else if (response.hasCommand()) {
          if (work) {
            held = commands.accept(response.getCommand());
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
        Backoff.sleep(backoff.next());
      } catch (ExecutionException e) {
        if (stopping) {
          return;
        }
        failures.explain(e.getCause());
        Backoff.sleep(backoff.next());
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
