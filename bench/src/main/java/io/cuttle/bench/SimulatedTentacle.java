package io.cuttle.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.Backoff;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One polling tentacle without the agent around it: its own key and certificate, its own mutually
 * authenticated TLS connection, the real polling protocol. Where a tentacle would run a script it
 * reports success at once, so the bench measures the server and the router, not bash. It keeps one
 * poll open (a real tentacle keeps three, two of them busy heartbeats) and, like a real one, comes
 * back after a lost connection with capped exponential backoff and full jitter.
 */
final class SimulatedTentacle implements AutoCloseable {
  /** The real tentacle's poll backoff (TentacleAgent): 1 s doubling up to 60 s, full jitter. */
  private static final Duration BACKOFF_INITIAL = Duration.ofSeconds(1);

  private static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
  private static final AgentInfo AGENT =
      AgentInfo.newBuilder()
          .setVersion(TentacleAgent.VERSION)
          .addCapabilities("script:bash")
          .setPlatform("simulated")
          .build();

  /** What the fleet learns from its tentacles. */
  interface Listener {
    void connected(SimulatedTentacle tentacle);

    void received(String commandId, long nanoTime);

    void completed(String commandId);

    void failed(SimulatedTentacle tentacle, Throwable cause);
  }

  final String name;
  final String id;
  private final ClientFactory factory;
  private final PollingServiceGrpc.PollingServiceFutureStub polling;
  private final ScheduledExecutorService timers;
  private final Listener listener;
  private final Backoff backoff = new Backoff(BACKOFF_INITIAL, BACKOFF_MAX);
  private volatile boolean closed;

  SimulatedTentacle(
      String name,
      String id,
      Identity identity,
      Thumbprint serverThumbprint,
      String pollingUrl,
      EventLoopGroup eventLoops,
      ScheduledExecutorService timers,
      Listener listener) {
    this.name = name;
    this.id = id;
    this.timers = timers;
    this.listener = listener;
    this.factory =
        ClientFactory.builder()
            .workerGroup(eventLoops, false)
            .tls(identity.privateKey(), identity.certificate())
            .tlsCustomizer(
                tls ->
                    tls.trustManager(
                        new PinnedTrustManager(Set.of(serverThumbprint), (seen, expected) -> {})))
            .addressResolverGroupFactory(loops -> LoopbackAwareResolverGroup.INSTANCE)
            .connectTimeout(Duration.ofSeconds(15))
            // No meters: thousands of clients in one JVM would each register the same gauges.
            .meterRegistry(new CompositeMeterRegistry())
            .idleTimeout(Duration.ofMinutes(5))
            .pingInterval(Duration.ofSeconds(10)) // as the real tentacle: a ping every 10 s
            .build();
    this.polling =
        GrpcClients.builder(pollingUrl)
            .factory(factory)
            .responseTimeout(Duration.ofSeconds(120))
            .build(PollingServiceGrpc.PollingServiceFutureStub.class);
  }

  /** Connects (a Check call proves TLS both ways and the registration), then polls for good. */
  void start() {
    check();
  }

  private void check() {
    if (closed) {
      return;
    }
    on(
        polling.check(CheckRequest.newBuilder().setTentacleId(id).build()),
        checked -> {
          backoff.reset();
          listener.connected(this);
          poll();
        });
  }

  private void poll() {
    if (closed) {
      return;
    }
    on(
        polling.poll(
            PollRequest.newBuilder()
                .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                .setTentacleId(id)
                .setAgent(AGENT)
                .setFreeSlots(1)
                .build()),
        this::answered);
  }

  private void answered(PollResponse response) {
    if (!response.hasCommand()) {
      poll();
      return;
    }
    Command command = response.getCommand();
    listener.received(command.getCommandId(), System.nanoTime());
    on(
        polling.acknowledge(
            AcknowledgeRequest.newBuilder()
                .setTentacleId(id)
                .setCommandId(command.getCommandId())
                .build()),
        acknowledged -> {
          if (!acknowledged.getProceed()) {
            poll();
            return;
          }
          reportSuccess(command.getCommandId());
        });
  }

  private void reportSuccess(String commandId) {
    on(
        polling.reportResult(
            ResultReport.newBuilder()
                .setTentacleId(id)
                .setCommandId(commandId)
                .setOutcome(ResultReport.Outcome.COMPLETED)
                .setExitCode(0)
                .build()),
        result -> {
          if (result.getRecorded()) {
            listener.completed(commandId);
          }
          poll();
        });
  }

  /** Runs {@code next} with the answer; any failure starts again from connecting, after a wait. */
  private <T> void on(ListenableFuture<T> call, Consumer<T> next) {
    Futures.addCallback(
        call,
        new FutureCallback<T>() {
          @Override
          public void onSuccess(T answer) {
            next.accept(answer);
          }

          @Override
          public void onFailure(Throwable cause) {
            if (closed) {
              return;
            }
            listener.failed(SimulatedTentacle.this, cause);
            timers.schedule(
                SimulatedTentacle.this::check, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
          }
        },
        MoreExecutors.directExecutor());
  }

  @Override
  public void close() {
    closed = true;
    factory.closeAsync();
  }
}
