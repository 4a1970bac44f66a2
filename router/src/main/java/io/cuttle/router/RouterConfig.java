package io.cuttle.router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/** How a {@link RouterServer} listens and routes. Immutable; build with {@link #builder()}. */
public final class RouterConfig {
  public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16 * 1024;
  public static final Duration DEFAULT_CLIENT_HELLO_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final InetSocketAddress bindAddress;
  private final RouteTable routes;
  private final int maxClientHelloBytes;
  private final Duration clientHelloTimeout;
  private final Duration upstreamConnectTimeout;

  private RouterConfig(Builder b) {
    this.bindAddress = b.bindAddress;
    this.routes = b.routes;
    this.maxClientHelloBytes = b.maxClientHelloBytes;
    this.clientHelloTimeout = b.clientHelloTimeout;
    this.upstreamConnectTimeout = b.upstreamConnectTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

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

  public Duration upstreamConnectTimeout() {
    return upstreamConnectTimeout;
  }

  /** Builds a {@link RouterConfig}; refuses values that cannot work, naming them. */
  public static final class Builder {
    private InetSocketAddress bindAddress;
    private RouteTable routes;
    private int maxClientHelloBytes = DEFAULT_MAX_CLIENT_HELLO_BYTES;
    private Duration clientHelloTimeout = DEFAULT_CLIENT_HELLO_TIMEOUT;
    private Duration upstreamConnectTimeout = DEFAULT_UPSTREAM_CONNECT_TIMEOUT;

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
      this.clientHelloTimeout = positive("clientHelloTimeout", clientHelloTimeout);
      return this;
    }

    public Builder upstreamConnectTimeout(Duration upstreamConnectTimeout) {
      this.upstreamConnectTimeout = positive("upstreamConnectTimeout", upstreamConnectTimeout);
      return this;
    }

    public RouterConfig build() {
      if (bindAddress == null) {
        throw new IllegalStateException("bindAddress is required");
      }
      if (routes == null) {
        throw new IllegalStateException("routes are required");
      }
      return new RouterConfig(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
