package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouterConfigTest {
  private static final RouteTable ROUTES =
      RouteTable.builder()
          .defaultRoute(
              new Route(
                  "web", Upstream.single(InetSocketAddress.createUnresolved("web", 1), false)))
          .build();

  @Test
  void defaultsAreTheDocumentedOnes() {
    RouterConfig config =
        RouterConfig.builder().bindAddress(new InetSocketAddress(0)).routes(ROUTES).build();

    assertThat(config.maxClientHelloBytes()).isEqualTo(16384);
    assertThat(config.clientHelloTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.upstreamConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.idleTimeout()).isZero();
    assertThat(config.reusePort()).as("one router per address unless asked").isFalse();
    assertThat(config.listeners())
        .singleElement()
        .extracting(InetSocketAddress::getPort)
        .isEqualTo(0);
  }

  @Test
  void refusesValuesThatCannotWorkNamingThem() {
    RouterConfig.Builder builder = RouterConfig.builder();

    assertThatThrownBy(() -> builder.maxClientHelloBytes(0))
        .hasMessage("maxClientHelloBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> builder.clientHelloTimeout(Duration.ZERO))
        .hasMessage("clientHelloTimeout: PT0S (expected: >= 1ms)");
    assertThatThrownBy(() -> builder.upstreamConnectTimeout(Duration.ofNanos(5)))
        .hasMessage("upstreamConnectTimeout: PT0.000000005S (expected: >= 1ms)");
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1)))
        .hasMessage("idleTimeout: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> builder.routes(ROUTES).build())
        .hasMessage("listeners: none (expected: an address to listen on)");
    assertThatThrownBy(() -> RouterConfig.builder().bindAddress(new InetSocketAddress(0)).build())
        .hasMessage("routes: not set (expected: a RouteTable)");
  }
}
