package io.cuttle.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import io.cuttle.server.metrics.ServerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The admin listener: plain HTTP, off the public port and on loopback unless told otherwise, for
 * Prometheus ({@code GET /metrics}) and health checks ({@code GET /health/live}, {@code GET
 * /health/ready}). It starts before everything else and stops after everything else, so a
 * supervisor sees the process live while it migrates its database, and not ready while it drains.
 */
final class AdminListener implements AutoCloseable {
  private static final MediaType PROMETHEUS_TEXT =
      MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

  /** A scraper or a health check sends a request line and a few headers, never a body. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;

  private final Server server;

  private AdminListener(Server server) {
    this.server = server;
  }

  static AdminListener start(
      InetSocketAddress address, ServerMetrics metrics, Readiness readiness) {
    Server server =
        Server.builder()
            .http(address)
            .maxRequestLength(MAX_REQUEST_BYTES)
            .requestTimeout(Duration.ofSeconds(10))
            // Its own registry: Armeria's meters about this listener are not the server's figures.
            .meterRegistry(new SimpleMeterRegistry())
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(1))
            .service(get("/health/live"), (ctx, req) -> text(HttpStatus.OK, "live\n"))
            .service(get("/health/ready"), (ctx, req) -> ready(readiness.notReady()))
            .service(
                get("/metrics"),
                // Off the event loop: a scrape runs one count query (ServerGauges.fleet).
                (ctx, req) ->
                    HttpResponse.of(
                        CompletableFuture.supplyAsync(
                            () -> HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, metrics.scrape()),
                            ctx.blockingTaskExecutor())))
            .build();
    try {
      server.start().join();
    } catch (RuntimeException e) {
      server.closeAsync(); // e.g. the port is taken: release what did start
      throw e;
    }
    return new AdminListener(server);
  }

  private static Route get(String path) {
    return Route.builder().path(path).methods(HttpMethod.GET, HttpMethod.HEAD).build();
  }

  private static HttpResponse ready(List<String> notReady) {
    return notReady.isEmpty()
        ? text(HttpStatus.OK, "ready\n")
        : text(HttpStatus.SERVICE_UNAVAILABLE, "not ready: " + String.join("; ", notReady) + "\n");
  }

  private static HttpResponse text(HttpStatus status, String body) {
    return HttpResponse.of(status, MediaType.PLAIN_TEXT_UTF_8, body);
  }

  InetSocketAddress address() {
    return server.activePort().localAddress();
  }

  /**
   * Stops accepting at once and returns: Armeria's acceptor threads then wait out a quiet period of
   * about two seconds in the background, which the server's shutdown need not wait for, as this
   * listener is the last part to close.
   */
  @Override
  public void close() {
    server.closeAsync();
  }
}
