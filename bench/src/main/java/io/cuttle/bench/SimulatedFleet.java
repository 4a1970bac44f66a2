package io.cuttle.bench;

import com.linecorp.armeria.common.util.EventLoopGroups;
import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import io.grpc.Status;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many {@link SimulatedTentacle}s in one JVM, each registered through the server's REST API with a
 * certificate of its own, sharing a few event loop threads. It keeps what the bench asks about: how
 * many are connected, when each command arrived, how many results were recorded, and what the
 * server refused.
 */
final class SimulatedFleet implements SimulatedTentacle.Listener, AutoCloseable {
  static final String ENVIRONMENT = "Bench";

  /** Failures a healthy server never answers a registered tentacle with. */
  private static final Set<Status.Code> REFUSALS =
      Set.of(
          Status.Code.UNAUTHENTICATED,
          Status.Code.PERMISSION_DENIED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.INTERNAL);

  private final EventLoopGroup eventLoops = EventLoopGroups.newEventLoopGroup(2);
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final List<SimulatedTentacle> tentacles = new ArrayList<>();

  /** Each connected tentacle and when (System.nanoTime) it last connected. */
  private final Map<SimulatedTentacle, Long> connected = new ConcurrentHashMap<>();

  private final Map<String, Long> receivedAt = new ConcurrentHashMap<>();
  private final LongAdder completed = new LongAdder();
  private final LongAdder refusals = new LongAdder();
  private final Map<String, String> refusalExamples = new ConcurrentHashMap<>();

  /**
   * Makes {@code count} keys and certificates, registers each as a tentacle polling {@code
   * pollingUrl} ({@code registrationThreads} at a time), and builds its client. Nothing connects
   * before {@link #startAll}.
   */
  SimulatedFleet(
      ApiClient api,
      Thumbprint serverThumbprint,
      String pollingUrl,
      String namePrefix,
      int count,
      int registrationThreads)
      throws Exception {
    ExecutorService registrations = Executors.newFixedThreadPool(registrationThreads);
    try {
      List<Future<SimulatedTentacle>> made = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = namePrefix + i;
        made.add(
            registrations.submit(
                () -> {
                  Identity identity = SelfSignedCertificates.create(name, List.of());
                  RegisterTentacleResponse registered =
                      api.register(
                          new RegisterTentacleRequest(
                              name,
                              identity.thumbprint().toString(),
                              ENVIRONMENT,
                              List.of("sim"),
                              CommsStyle.POLLING_ADDRESS,
                              pollingUrl,
                              TentacleAgent.VERSION,
                              false));
                  return new SimulatedTentacle(
                      name,
                      registered.id(),
                      identity,
                      serverThumbprint,
                      pollingUrl,
                      eventLoops,
                      timers,
                      this);
                }));
      }
      for (Future<SimulatedTentacle> tentacle : made) {
        tentacles.add(tentacle.get());
      }
    } catch (Exception e) {
      close();
      throw e;
    } finally {
      registrations.shutdownNow();
    }
  }

  List<SimulatedTentacle> tentacles() {
    return tentacles;
  }

  void startAll() {
    tentacles.forEach(SimulatedTentacle::start);
  }

  int connectedCount() {
    return connected.size();
  }

  /**
   * Waits until every tentacle has connected since {@code sinceNanos} (System.nanoTime); returns
   * how long after that the last one did, or fails naming how many made it within {@code atMost}.
   */
  Duration awaitAllConnected(long sinceNanos, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (connectedSince(sinceNanos) < tentacles.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            connectedSince(sinceNanos)
                + " of "
                + tentacles.size()
                + " tentacles connected within "
                + atMost
                + "; server refusals: "
                + refusalExamples);
      }
      Thread.sleep(20);
    }
    long last = connected.values().stream().mapToLong(Long::longValue).max().orElse(sinceNanos);
    return Duration.ofNanos(last - sinceNanos);
  }

  private long connectedSince(long sinceNanos) {
    return connected.values().stream().filter(at -> at - sinceNanos >= 0).count();
  }

  /** When the command reached its tentacle (System.nanoTime), or null while it has not. */
  Long receivedAt(String commandId) {
    return receivedAt.get(commandId);
  }

  long completed() {
    return completed.sum();
  }

  long refusals() {
    return refusals.sum();
  }

  Map<String, String> refusalExamples() {
    return Map.copyOf(refusalExamples);
  }

  @Override
  public void connected(SimulatedTentacle tentacle) {
    connected.put(tentacle, System.nanoTime());
  }

  @Override
  public void received(String commandId, long nanoTime) {
    receivedAt.putIfAbsent(commandId, nanoTime);
  }

  @Override
  public void completed(String commandId) {
    completed.increment();
  }

  @Override
  public void failed(SimulatedTentacle tentacle, Throwable cause) {
    connected.remove(tentacle);
    Status status = Status.fromThrowable(cause);
    if (REFUSALS.contains(status.getCode())) {
      refusals.increment();
      if (refusalExamples.size() < 5) {
        refusalExamples.putIfAbsent(
            status.getCode().name(), String.valueOf(status.getDescription()));
      }
    }
  }

  @Override
  public void close() {
    tentacles.forEach(SimulatedTentacle::close);
    timers.shutdownNow();
    eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
