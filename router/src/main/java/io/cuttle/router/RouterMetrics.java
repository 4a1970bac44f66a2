package io.cuttle.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router did with the connections it accepted, as Prometheus metrics ({@link #scrape()})
 * and as numbers tests and the server can read. Thread-safe; meters are made on first use, so a
 * route added by a reload shows up without a restart.
 */
public final class RouterMetrics {
  private static final String PREFIX = "cuttle.router.";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter accepted = registry.counter(PREFIX + "connections.accepted");
  private final AtomicInteger active =
      registry.gauge(PREFIX + "connections.active", new AtomicInteger());
  private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> dialTimes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> endpointUp = new ConcurrentHashMap<>();
  private final DistributionSummary helloBytes =
      DistributionSummary.builder(PREFIX + "client.hello.size")
          .baseUnit("bytes")
          .description("Size of each complete ClientHello")
          .serviceLevelObjectives(512, 1024, 2048, 4096, 8192, 16384, 32768)
          .register(registry);
  private final DistributionSummary helloSegments =
      DistributionSummary.builder(PREFIX + "client.hello.segments")
          .description("TCP reads it took to receive a ClientHello")
          .serviceLevelObjectives(1, 2, 3, 5, 10, 50)
          .register(registry);

  MeterRegistry registry() {
    return registry;
  }

  /** The metrics in the Prometheus text format, for the admin port's {@code /metrics}. */
  public String scrape() {
    return registry.scrape();
  }

  void recordAccepted() {
    accepted.increment();
    active.incrementAndGet();
  }

  void recordClosed() {
    active.decrementAndGet();
  }

  void recordClientHello(int bytes, int segments) {
    helloBytes.record(bytes);
    helloSegments.record(segments);
  }

  /**
   * The meters of one route, made once and kept: looking meters up by name and tags on every
   * connection was among the larger costs of routing one (ClientHelloBenchmark, -prof stack).
   */
  RouteMeters route(String route) {
    return routes.computeIfAbsent(route, this::newRouteMeters);
  }

  void recordRefused(CloseReason reason) {
    outcome(reason.label()).increment();
  }

  void dialed(String upstream, Duration took) {
    dialTimes.computeIfAbsent(upstream, this::newDialTimer).record(took);
  }

  void dialFailed(String upstream) {
    registry.counter(PREFIX + "upstream.dial.failures", "upstream", upstream).increment();
  }

  void endpointHealth(String upstream, InetSocketAddress endpoint, boolean up) {
    String key = upstream + " " + endpoint;
    endpointUp
        .computeIfAbsent(
            key,
            k ->
                registry.gauge(
                    PREFIX + "upstream.endpoint.up",
                    Tags.of("upstream", upstream, "endpoint", hostPort(endpoint)),
                    new AtomicInteger()))
        .set(up ? 1 : 0);
  }

  /**
   * Publishes the connections the router carries to {@code endpoint} now, whichever upstreams list
   * it: with several server nodes, which node holds which share of the tentacles.
   */
  void endpointConnections(InetSocketAddress endpoint, AtomicInteger active) {
    registry.gauge(
        PREFIX + "upstream.endpoint.connections.active",
        Tags.of("endpoint", hostPort(endpoint)),
        active);
  }

  public long accepted() {
    return (long) accepted.count();
  }

  public long active() {
    return active.get();
  }

  /** Connections handed to the named route's upstream. */
  public long routed(String route) {
    Counter counter = registry.find(PREFIX + "route.connections").tag("route", route).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  /** Connections closed before reaching any upstream, for {@code reason}. */
  public long refused(CloseReason reason) {
    Counter counter =
        registry.find(PREFIX + "client.hello.outcomes").tag("outcome", reason.label()).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private Counter outcome(String outcome) {
    return outcomes.computeIfAbsent(
        outcome, o -> registry.counter(PREFIX + "client.hello.outcomes", "outcome", o));
  }

  private RouteMeters newRouteMeters(String route) {
    return new RouteMeters(
        outcome("routed"),
        registry.counter(PREFIX + "route.connections", "route", route),
        registry.gauge(
            PREFIX + "route.connections.active", Tags.of("route", route), new AtomicInteger()),
        registry.counter(PREFIX + "route.bytes", "route", route, "direction", "to_client"),
        registry.counter(PREFIX + "route.bytes", "route", route, "direction", "from_client"));
  }

  private Timer newDialTimer(String upstream) {
    return Timer.builder(PREFIX + "upstream.dial")
        .tag("upstream", upstream)
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ofSeconds(1))
        .register(registry);
  }

  /** One route's meters; see {@link #route(String)}. */
  static final class RouteMeters {
    private final Counter routedOutcome;
    private final Counter connections;
    private final AtomicInteger active;
    final Counter bytesToClient;
    final Counter bytesFromClient;

    private RouteMeters(
        Counter routedOutcome,
        Counter connections,
        AtomicInteger active,
        Counter bytesToClient,
        Counter bytesFromClient) {
      this.routedOutcome = routedOutcome;
      this.connections = connections;
      this.active = active;
      this.bytesToClient = bytesToClient;
      this.bytesFromClient = bytesFromClient;
    }

    void recordRouted() {
      routedOutcome.increment();
      connections.increment();
      active.incrementAndGet();
    }

    void recordClosed() {
      active.decrementAndGet();
    }
  }

  private static String hostPort(InetSocketAddress endpoint) {
    return endpoint.getHostString() + ":" + endpoint.getPort();
  }
}
