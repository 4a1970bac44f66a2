package io.cuttle.router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link RouterServer} listens and routes. Immutable; build with {@link #builder()}. Every
 * setter refuses a value that cannot work at once, naming it, so a bad flag fails at start-up and
 * not on the first connection.
 */
public final class RouterConfig {
  public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16 * 1024;
  public static final Duration DEFAULT_CLIENT_HELLO_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** No idle timeout: a connection may stay silent as long as both ends keep it open. */
  public static final Duration NO_IDLE_TIMEOUT = Duration.ZERO;

  /**
   * The tentacle keeps its polling connection alive with an HTTP/2 PING every 10 s and a poll that
   * the server answers within about a minute, so a healthy tentacle's connection never carries
   * nothing for long. Five minutes tolerates several lost pings and the slowest poll, and still
   * frees a connection whose tentacle vanished without a FIN. Unlike nginx's 10 min proxy_timeout
   * or Traefik's 60 s, it is derived from that contract, not picked for web pages.
   */
  public static final Duration POLLING_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The ALPN protocol a tentacle may offer beside {@code h2} to reach the polling listener through
   * a host name that otherwise serves the web app, when no second DNS name can be had.
   */
  public static final String POLLING_ALPN = "cuttle-polling";

  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final double DEFAULT_PER_SOURCE_RATE = 50;
  public static final int DEFAULT_PER_SOURCE_BURST = 200;

  private final List<InetSocketAddress> listeners;
  private final RouteTable routes;
  private final int maxClientHelloBytes;
  private final Duration clientHelloTimeout;
  private final Duration upstreamConnectTimeout;
  private final Duration idleTimeout;
  private final int maxConnections;
  private final double perSourceRate;
  private final int perSourceBurst;
  private final boolean reusePort;

  private RouterConfig(Builder b) {
    this.listeners = List.copyOf(b.listeners);
    this.reusePort = b.reusePort;
    this.maxConnections = b.maxConnections;
    this.perSourceRate = b.perSourceRate;
    this.perSourceBurst = b.perSourceBurst;
    this.routes = b.routes;
    this.maxClientHelloBytes = b.maxClientHelloBytes;
    this.clientHelloTimeout = b.clientHelloTimeout;
    this.upstreamConnectTimeout = b.upstreamConnectTimeout;
    this.idleTimeout = b.idleTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where to listen; port 0 picks a free port, see {@link RouterServer#localAddresses()}. */
  public List<InetSocketAddress> listeners() {
    return listeners;
  }

  /**
   * Whether the listeners share their address with other processes that ask for the same (Linux's
   * SO_REUSEPORT): the kernel then spreads new connections over all of them, so several router
   * processes can serve one port, each with its own open-file limit.
   */
  public boolean reusePort() {
    return reusePort;
  }

  /** Open connections beyond which new ones are refused before anything is read. */
  public int maxConnections() {
    return maxConnections;
  }

  /** New connections per second one client address may open; 0 means no limit. */
  public double perSourceRate() {
    return perSourceRate;
  }

  /** How many connections a client address may open at once before its rate applies. */
  public int perSourceBurst() {
    return perSourceBurst;
  }

  public RouteTable routes() {
    return routes;
  }

  /** The largest ClientHello accepted; larger ones are refused, never buffered. */
  public int maxClientHelloBytes() {
    return maxClientHelloBytes;
  }

  /** How long a client has to send its whole ClientHello. */
  public Duration clientHelloTimeout() {
    return clientHelloTimeout;
  }

  /** How long dialling an upstream may take before the client's connection is closed. */
  public Duration upstreamConnectTimeout() {
    return upstreamConnectTimeout;
  }

  /**
   * How long a routed connection may carry no bytes in either direction before it is closed; zero
   * (the default) means never. Long-polling clients need this longer than their poll interval.
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * The settings a reload cannot change on a running router (everything but the routes), named,
   * where {@code other} differs from this; empty when only routes changed.
   */
  public List<String> differencesBesidesRoutes(RouterConfig other) {
    List<String> differences = new ArrayList<>();
    if (!listeners.equals(other.listeners)) {
      differences.add("listen");
    }
    if (reusePort != other.reusePort) {
      differences.add("reusePort");
    }
    if (maxClientHelloBytes != other.maxClientHelloBytes
        || !clientHelloTimeout.equals(other.clientHelloTimeout)) {
      differences.add("clientHello");
    }
    if (!upstreamConnectTimeout.equals(other.upstreamConnectTimeout)) {
      differences.add("upstreamConnectTimeout");
    }
    if (!idleTimeout.equals(other.idleTimeout)) {
      differences.add("idleTimeout");
    }
    if (maxConnections != other.maxConnections
        || perSourceRate != other.perSourceRate
        || perSourceBurst != other.perSourceBurst) {
      differences.add("limits");
    }
    return differences;
  }

  @Override
  public String toString() {
    return "RouterConfig{listeners="
        + listeners
        + (reusePort ? " (reusePort)" : "")
        + ", routes="
        + routes
        + ", maxClientHelloBytes="
        + maxClientHelloBytes
        + ", clientHelloTimeout="
        + clientHelloTimeout
        + ", upstreamConnectTimeout="
        + upstreamConnectTimeout
        + ", idleTimeout="
        + idleTimeout
        + ", maxConnections="
        + maxConnections
        + ", perSource="
        + perSourceRate
        + "/s burst "
        + perSourceBurst
        + '}';
  }

  /** Builds a {@link RouterConfig}; refuses values that cannot work, naming them. */
  public static final class Builder {
    private final List<InetSocketAddress> listeners = new ArrayList<>();
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private double perSourceRate = DEFAULT_PER_SOURCE_RATE;
    private int perSourceBurst = DEFAULT_PER_SOURCE_BURST;
    private RouteTable routes;
    private int maxClientHelloBytes = DEFAULT_MAX_CLIENT_HELLO_BYTES;
    private Duration clientHelloTimeout = DEFAULT_CLIENT_HELLO_TIMEOUT;
    private Duration upstreamConnectTimeout = DEFAULT_UPSTREAM_CONNECT_TIMEOUT;
    private Duration idleTimeout = NO_IDLE_TIMEOUT;
    private boolean reusePort;

    private Builder() {}

    /** Listens on {@code bindAddress} only. */
    public Builder bindAddress(InetSocketAddress bindAddress) {
      listeners.clear();
      return listener(bindAddress);
    }

    /** Listens on {@code bindAddress} too. */
    public Builder listener(InetSocketAddress bindAddress) {
      Objects.requireNonNull(bindAddress, "bindAddress");
      if (listeners.contains(bindAddress)) {
        throw new IllegalArgumentException("listener: " + bindAddress + " is listed twice");
      }
      listeners.add(bindAddress);
      return this;
    }

    /** See {@link RouterConfig#reusePort()}; needs the native epoll transport. */
    public Builder reusePort(boolean reusePort) {
      this.reusePort = reusePort;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException(
            "maxConnections: " + maxConnections + " (expected: > 0)");
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** {@code ratePerSecond} 0 turns the per-source limit off. */
    public Builder perSourceLimit(double ratePerSecond, int burst) {
      if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException(
            "perSourceRate: " + ratePerSecond + " (expected: >= 0, 0 turns it off)");
      }
      if (burst <= 0) {
        throw new IllegalArgumentException("perSourceBurst: " + burst + " (expected: > 0)");
      }
      this.perSourceRate = ratePerSecond;
      this.perSourceBurst = burst;
      return this;
    }

    public Builder routes(RouteTable routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    public Builder maxClientHelloBytes(int maxClientHelloBytes) {
      if (maxClientHelloBytes <= 0) {
        throw new IllegalArgumentException(
            "maxClientHelloBytes: " + maxClientHelloBytes + " (expected: > 0)");
      }
      this.maxClientHelloBytes = maxClientHelloBytes;
      return this;
    }

    public Builder clientHelloTimeout(Duration clientHelloTimeout) {
      this.clientHelloTimeout = positiveMillis("clientHelloTimeout", clientHelloTimeout);
      return this;
    }

    public Builder upstreamConnectTimeout(Duration upstreamConnectTimeout) {
      this.upstreamConnectTimeout =
          positiveMillis("upstreamConnectTimeout", upstreamConnectTimeout);
      if (upstreamConnectTimeout.toMillis() > Integer.MAX_VALUE) {
        // Netty takes the connect timeout as an int of milliseconds.
        throw new IllegalArgumentException(
            "upstreamConnectTimeout: "
                + upstreamConnectTimeout
                + " (expected: <= "
                + Duration.ofMillis(Integer.MAX_VALUE)
                + ")");
      }
      return this;
    }

    /** Zero turns the idle timeout off. */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.isNegative()) {
        throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: >= 0)");
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    public RouterConfig build() {
      if (listeners.isEmpty()) {
        throw new IllegalStateException("listeners: none (expected: an address to listen on)");
      }
      if (routes == null) {
        throw new IllegalStateException("routes: not set (expected: a RouteTable)");
      }
      return new RouterConfig(this);
    }

    /** The timers run in milliseconds: anything shorter would silently become "no time at all". */
    private static Duration positiveMillis(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.toMillis() <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1ms)");
      }
      return value;
    }
  }
}
