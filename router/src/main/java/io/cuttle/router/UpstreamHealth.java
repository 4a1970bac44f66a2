package io.cuttle.router;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers which upstreams answered the last dial, so an unreachable upstream is logged when it
 * goes down and when it comes back, not once per connection a reconnecting fleet makes meanwhile.
 */
final class UpstreamHealth {
  private static final Logger log = LoggerFactory.getLogger(UpstreamHealth.class);
  private final Map<InetSocketAddress, Boolean> reachable = new ConcurrentHashMap<>();

  void dialed(Route route, boolean success, Throwable cause) {
    InetSocketAddress address = route.upstream().address();
    Boolean before = reachable.put(address, success);
    boolean wasReachable = before == null || before;
    if (wasReachable && !success) {
      log.warn(
          "Route '{}': upstream {} is unreachable ({}); its connections are closed until it answers again",
          route.name(),
          address,
          cause.toString());
    } else if (!wasReachable && success) {
      log.info("Route '{}': upstream {} answers again", route.name(), address);
    } else if (!success) {
      log.debug(
          "Route '{}': upstream {} still unreachable: {}", route.name(), address, cause.toString());
    }
  }
}
