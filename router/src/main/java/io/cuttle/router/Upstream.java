package io.cuttle.router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A group of endpoints that serve the same thing, and how the router spreads connections over them.
 * Immutable; build with {@link #builder(String)}, or {@link #single} for one endpoint.
 *
 * <p>An endpoint is skipped while it is <em>ejected</em> (its last {@link #ejectAfterFailures()}
 * dials failed; it gets a new chance after {@link #ejectionTime()}) or while active health checks
 * find it down. When every endpoint is skipped, all are tried anyway: a check that lags behind a
 * recovered endpoint must not turn a working upstream into a closed door.
 */
public final class Upstream {
  /** How the next connection's endpoint is chosen. */
  public enum Balance {
    /** Each endpoint in turn. */
    ROUND_ROBIN,
    /** The endpoint with the fewest connections through this router; long polls make this fair. */
    LEAST_CONNECTIONS
  }

  public static final int DEFAULT_EJECT_AFTER_FAILURES = 3;
  public static final Duration DEFAULT_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final String name;
  private final List<InetSocketAddress> endpoints;
  private final Balance balance;
  private final boolean proxyProtocol;
  private final Duration healthCheckInterval;
  private final Duration healthCheckTimeout;
  private final int ejectAfterFailures;
  private final Duration ejectionTime;

  private Upstream(Builder b) {
    this.name = b.name;
    this.endpoints = List.copyOf(b.endpoints);
    this.balance = b.balance;
    this.proxyProtocol = b.proxyProtocol;
    this.healthCheckInterval = b.healthCheckInterval;
    this.healthCheckTimeout = b.healthCheckTimeout;
    this.ejectAfterFailures = b.ejectAfterFailures;
    this.ejectionTime = b.ejectionTime;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** One endpoint, named after its address, with no health checks. */
  public static Upstream single(InetSocketAddress address, boolean proxyProtocol) {
    Objects.requireNonNull(address, "address");
    return builder(address.getHostString() + ":" + address.getPort())
        .endpoint(address)
        .proxyProtocol(proxyProtocol)
        .build();
  }

  public String name() {
    return name;
  }

  public List<InetSocketAddress> endpoints() {
    return endpoints;
  }

  public Balance balance() {
    return balance;
  }

  /**
   * Whether to send a PROXY protocol v2 header first, carrying the client's real address and the
   * SNI, so the upstream can tell who connected and through which name.
   */
  public boolean proxyProtocol() {
    return proxyProtocol;
  }

  /** How often each endpoint is dialled to see that it answers; zero means never. */
  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  public Duration healthCheckTimeout() {
    return healthCheckTimeout;
  }

  /** Consecutive failed dials that take an endpoint out of rotation; zero means never. */
  public int ejectAfterFailures() {
    return ejectAfterFailures;
  }

  public Duration ejectionTime() {
    return ejectionTime;
  }

  @Override
  public String toString() {
    return "Upstream{" + name + " " + endpoints + " " + balance + "}";
  }

  /** Builds an {@link Upstream}. */
  public static final class Builder {
    private final String name;
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private Balance balance = Balance.ROUND_ROBIN;
    private boolean proxyProtocol;
    private Duration healthCheckInterval = Duration.ZERO;
    private Duration healthCheckTimeout = DEFAULT_HEALTH_CHECK_TIMEOUT;
    private int ejectAfterFailures = DEFAULT_EJECT_AFTER_FAILURES;
    private Duration ejectionTime = DEFAULT_EJECTION_TIME;

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name: '' (expected: a non-blank upstream name)");
      }
      this.name = name;
    }

    public Builder endpoint(InetSocketAddress endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoints.contains(endpoint)) {
        throw new IllegalArgumentException("endpoint: " + endpoint + " is listed twice");
      }
      endpoints.add(endpoint);
      return this;
    }

    public Builder balance(Balance balance) {
      this.balance = Objects.requireNonNull(balance, "balance");
      return this;
    }

    public Builder proxyProtocol(boolean proxyProtocol) {
      this.proxyProtocol = proxyProtocol;
      return this;
    }

    public Builder healthCheck(Duration interval, Duration timeout) {
      Durations.requireNonNegative("healthCheck.interval", interval);
      Durations.requirePositive("healthCheck.timeout", timeout);
      this.healthCheckInterval = interval;
      this.healthCheckTimeout = timeout;
      return this;
    }

    public Builder ejection(int afterFailures, Duration time) {
      if (afterFailures < 0) {
        throw new IllegalArgumentException(
            "ejection.failures: " + afterFailures + " (expected: >= 0, 0 turns ejection off)");
      }
      Durations.requirePositive("ejection.time", time);
      this.ejectAfterFailures = afterFailures;
      this.ejectionTime = time;
      return this;
    }

    public Upstream build() {
      if (endpoints.isEmpty()) {
        throw new IllegalArgumentException(
            "upstream '" + name + "': no endpoints (expected: at least one host:port)");
      }
      return new Upstream(this);
    }
  }
}
