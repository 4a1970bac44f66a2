package io.cuttle.router;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of every endpoint the router dials: it orders an upstream's endpoints for the next
 * connection, ejects endpoints whose dials keep failing, and logs each endpoint's changes of state
 * once (not once per connection a reconnecting fleet makes meanwhile). State is kept by endpoint
 * address, so it survives a reload that keeps the endpoint.
 */
final class UpstreamPool {
  private static final Logger log = LoggerFactory.getLogger(UpstreamPool.class);

  private final Map<InetSocketAddress, EndpointState> endpoints = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> nextByUpstream = new ConcurrentHashMap<>();
  private final RouterMetrics metrics;

  UpstreamPool(RouterMetrics metrics) {
    this.metrics = metrics;
  }

  EndpointState state(InetSocketAddress endpoint) {
    return endpoints.computeIfAbsent(
        endpoint,
        e -> {
          EndpointState state = new EndpointState();
          metrics.endpointConnections(e, state.active);
          return state;
        });
  }

  /**
   * The endpoints to try for a new connection, best first. Endpoints that are ejected or failing
   * health checks come last rather than not at all: when all of them are, trying beats refusing.
   */
  List<InetSocketAddress> order(Upstream upstream) {
    List<InetSocketAddress> all = upstream.endpoints();
    int start =
        Math.floorMod(
            nextByUpstream
                .computeIfAbsent(upstream.name(), n -> new AtomicInteger())
                .getAndIncrement(),
            all.size());
    List<InetSocketAddress> rotated = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      rotated.add(all.get((start + i) % all.size()));
    }
    long now = System.nanoTime();
    Comparator<InetSocketAddress> unavailableLast =
        Comparator.comparing(e -> state(e).available(now) ? 0 : 1);
    if (upstream.balance() == Upstream.Balance.LEAST_CONNECTIONS) {
      unavailableLast = unavailableLast.thenComparingInt(e -> state(e).active.get());
    }
    rotated.sort(unavailableLast); // stable: the rotation breaks ties
    return rotated;
  }

  void connected(Upstream upstream, InetSocketAddress endpoint) {
    EndpointState state = state(endpoint);
    state.active.incrementAndGet();
    state.consecutiveFailures.set(0);
    if (state.ejected) {
      state.ejected = false;
      log.info("Upstream '{}': endpoint {} answers again", upstream.name(), endpoint);
    }
  }

  void disconnected(InetSocketAddress endpoint) {
    state(endpoint).active.decrementAndGet();
  }

  void dialFailed(Upstream upstream, InetSocketAddress endpoint, Throwable cause) {
    metrics.dialFailed(upstream.name());
    EndpointState state = state(endpoint);
    int failures = state.consecutiveFailures.incrementAndGet();
    if (failures == 1) {
      log.warn(
          "Upstream '{}': endpoint {} is unreachable ({}); logged again when it answers",
          upstream.name(),
          endpoint,
          cause.toString());
    } else {
      log.debug("Upstream '{}': dialling {} failed again: {}", upstream.name(), endpoint, cause);
    }
    if (upstream.ejectAfterFailures() > 0 && failures >= upstream.ejectAfterFailures()) {
      boolean wasEjected = state.ejected;
      state.ejectedUntilNanos = System.nanoTime() + upstream.ejectionTime().toNanos();
      state.ejected = true;
      if (!wasEjected) {
        log.info(
            "Upstream '{}': endpoint {} ejected after {} failed dials; other endpoints go first"
                + " for {}",
            upstream.name(),
            endpoint,
            failures,
            upstream.ejectionTime());
      }
    }
  }

  void healthChecked(Upstream upstream, InetSocketAddress endpoint, Throwable failure) {
    EndpointState state = state(endpoint);
    boolean failing = failure != null;
    if (state.failingHealthChecks != failing) {
      state.failingHealthChecks = failing;
      if (failing) {
        log.warn(
            "Upstream '{}': endpoint {} fails its health check ({}); out of rotation",
            upstream.name(),
            endpoint,
            failure.toString());
      } else {
        log.info(
            "Upstream '{}': endpoint {} passes its health check again", upstream.name(), endpoint);
      }
    }
    metrics.endpointHealth(upstream.name(), endpoint, !failing);
  }
}
