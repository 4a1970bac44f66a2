package io.cuttle.router;

import java.net.InetSocketAddress;
import java.time.Duration;
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

  private final InetSocketAddress bindAddress;
  private final RouteTable routes;
  private final int maxClientHelloBytes;
  private final Duration clientHelloTimeout;
  private final Duration upstreamConnectTimeout;
  private final Duration idleTimeout;

  private RouterConfig(Builder b) {
    this.bindAddress = b.bindAddress;
    this.routes = b.routes;
    this.maxClientHelloBytes = b.maxClientHelloBytes;
    this.clientHelloTimeout = b.clientHelloTimeout;
    this.upstreamConnectTimeout = b.upstreamConnectTimeout;
    this.idleTimeout = b.idleTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where to listen; port 0 picks a free port, see {@link RouterServer#localAddress()}. */
  public InetSocketAddress bindAddress() {
    return bindAddress;
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

  @Override
  public String toString() {
    return "RouterConfig{bindAddress="
        + bindAddress
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
        + '}';
  }

  /** Builds a {@link RouterConfig}; refuses values that cannot work, naming them. */
  public static final class Builder {
    private InetSocketAddress bindAddress;
    private RouteTable routes;
    private int maxClientHelloBytes = DEFAULT_MAX_CLIENT_HELLO_BYTES;
    private Duration clientHelloTimeout = DEFAULT_CLIENT_HELLO_TIMEOUT;
    private Duration upstreamConnectTimeout = DEFAULT_UPSTREAM_CONNECT_TIMEOUT;
    private Duration idleTimeout = NO_IDLE_TIMEOUT;

    private Builder() {}

    public Builder bindAddress(InetSocketAddress bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
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
      if (bindAddress == null) {
        throw new IllegalStateException("bindAddress: not set (expected: an address to listen on)");
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
