package io.cuttle.server;

import io.cuttle.router.Route;
import io.cuttle.router.RouteTable;
import io.cuttle.router.RouterConfig;
import io.cuttle.router.RouterMetrics;
import io.cuttle.router.RouterServer;
import io.cuttle.router.Upstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The built-in router on the public port: connections whose SNI is the polling host go to the
 * polling listener (with a PROXY v2 header so it learns the tentacle's real address), everything
 * else that is TLS goes to the web app (with a PROXY v2 header too: logins are budgeted per
 * client), and input that is not TLS at all is closed. TLS is never terminated here, so tentacle
 * and server still pin each other end to end.
 */
final class PublicPort implements AutoCloseable {
  static final String POLLING_ROUTE = "polling";
  static final String WEB_ROUTE = "web";

  private final RouterServer router;

  private PublicPort(RouterServer router) {
    this.router = router;
  }

  static PublicPort start(
      InetSocketAddress bind,
      String pollingHost,
      int pollingPort,
      int webPort,
      Duration clientHelloTimeout) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Route polling =
        new Route(
            POLLING_ROUTE,
            Upstream.single(new InetSocketAddress(loopback, pollingPort), true),
            RouterConfig.POLLING_IDLE_TIMEOUT);
    RouteTable routes =
        RouteTable.builder()
            .exact(pollingHost, polling)
            .alpn(RouterConfig.POLLING_ALPN, polling)
            .defaultRoute(
                new Route(
                    WEB_ROUTE, Upstream.single(new InetSocketAddress(loopback, webPort), true)))
            .build();
    return new PublicPort(
        RouterServer.start(
            RouterConfig.builder()
                .bindAddress(bind)
                .routes(routes)
                .clientHelloTimeout(clientHelloTimeout)
                .build()));
  }

  int port() {
    return router.localAddress().getPort();
  }

  RouterMetrics stats() {
    return router.metrics();
  }

  @Override
  public void close() {
    router.close();
  }
}
