package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {
  private static final InetSocketAddress A = InetSocketAddress.createUnresolved("a", 1);
  private static final InetSocketAddress B = InetSocketAddress.createUnresolved("b", 1);
  private static final InetSocketAddress C = InetSocketAddress.createUnresolved("c", 1);

  private final RouterMetrics metrics = new RouterMetrics();
  private final UpstreamPool pool = new UpstreamPool(metrics);

  private static Upstream.Builder threeNodes() {
    return Upstream.builder("nodes").endpoint(A).endpoint(B).endpoint(C);
  }

  @Test
  void roundRobinStartsEachConnectionAtTheNextEndpoint() {
    Upstream upstream = threeNodes().build();
    List<InetSocketAddress> firsts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      firsts.add(pool.order(upstream).get(0));
    }
    assertThat(firsts).containsExactly(A, B, C, A, B, C);
  }

  @Test
  void leastConnectionsPrefersTheEndpointCarryingFewest() {
    Upstream upstream = threeNodes().balance(Upstream.Balance.LEAST_CONNECTIONS).build();
    pool.connected(upstream, A);
    pool.connected(upstream, A);
    pool.connected(upstream, C);

    assertThat(pool.order(upstream)).containsExactly(B, C, A);

    pool.disconnected(A);
    pool.disconnected(A);
    assertThat(pool.order(upstream).get(2)).isEqualTo(C);
  }

  @Test
  void eachEndpointsOpenConnectionsArePublished() {
    Upstream upstream = threeNodes().build();
    pool.connected(upstream, A);
    pool.connected(upstream, A);
    pool.connected(upstream, B);
    pool.disconnected(B);

    assertThat(metrics.scrape())
        .contains("cuttle_router_upstream_endpoint_connections_active{endpoint=\"a:1\"} 2")
        .contains("cuttle_router_upstream_endpoint_connections_active{endpoint=\"b:1\"} 0");
  }

  @Test
  void anEndpointWhoseDialsKeepFailingGoesLastUntilItsEjectionEnds() throws Exception {
    Upstream upstream = threeNodes().ejection(2, Duration.ofMillis(200)).build();
    IOException refused = new IOException("Connection refused");

    pool.dialFailed(upstream, A, refused);
    assertThat(pool.state(A).available(System.nanoTime())).as("one failure is not enough").isTrue();
    pool.dialFailed(upstream, A, refused);

    for (int i = 0; i < 3; i++) {
      assertThat(pool.order(upstream)).last().isEqualTo(A);
    }
    Thread.sleep(250);
    assertThat(pool.state(A).available(System.nanoTime())).isTrue();
  }

  @Test
  void aSuccessfulDialClearsTheFailures() {
    Upstream upstream = threeNodes().ejection(2, Duration.ofMinutes(1)).build();
    IOException refused = new IOException("Connection refused");
    pool.dialFailed(upstream, A, refused);
    pool.dialFailed(upstream, A, refused);

    pool.connected(upstream, A);

    assertThat(pool.state(A).available(System.nanoTime())).isTrue();
    assertThat(pool.state(A).consecutiveFailures).hasValue(0);
  }

  @Test
  void failingHealthChecksTakeAnEndpointOutOfTurnAndPassingOnesBringItBack() {
    Upstream upstream = threeNodes().build();

    pool.healthChecked(upstream, B, new IOException("Connection refused"));
    assertThat(pool.order(upstream)).last().isEqualTo(B);
    assertThat(pool.order(upstream)).last().isEqualTo(B);

    pool.healthChecked(upstream, B, null);
    assertThat(pool.state(B).available(System.nanoTime())).isTrue();
  }

  @Test
  void whenEveryEndpointIsOutAllAreStillTried() {
    Upstream upstream = threeNodes().build();
    for (InetSocketAddress endpoint : List.of(A, B, C)) {
      pool.healthChecked(upstream, endpoint, new IOException("down"));
    }
    assertThat(pool.order(upstream)).containsExactlyInAnyOrder(A, B, C);
  }
}
