package io.cuttle.router;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A named destination; the name appears in logs and metrics ("polling", "web").
 *
 * @param idleTimeout how long a routed connection may carry nothing before it is closed; null means
 *     the router's {@link RouterConfig#idleTimeout()}, zero means never
 */
public record Route(String name, Upstream upstream, Duration idleTimeout) {
  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '' (expected: a non-blank route name)");
    }
    if (idleTimeout != null) {
      Durations.requireNonNegative("route '" + name + "' idleTimeout", idleTimeout);
    }
  }

  public Route(String name, Upstream upstream) {
    this(name, upstream, null);
  }

  Optional<Duration> ownIdleTimeout() {
    return Optional.ofNullable(idleTimeout);
  }
}
