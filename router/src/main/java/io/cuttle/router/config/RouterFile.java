package io.cuttle.router.config;

import io.cuttle.router.RouterConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@code router.yaml} says: the router's own settings, plus the two the process needs around
 * it.
 *
 * @param admin where to serve {@code /metrics} and {@code POST /reload}; empty means nowhere
 * @param drainTimeout how long a stopping router lets connections finish before closing them
 */
public record RouterFile(
    RouterConfig router, Optional<InetSocketAddress> admin, Duration drainTimeout) {
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
}
