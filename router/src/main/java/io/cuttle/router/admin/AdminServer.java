package io.cuttle.router.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cuttle.router.RouterServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The router's admin port, plain HTTP meant for loopback or a management network: {@code GET
 * /metrics} (Prometheus), {@code GET /routes} (the table in force) and {@code POST /reload} (when
 * the router runs from a file). The JDK's own HTTP server is enough for a handful of scrapes a
 * minute, and keeps this out of the routing event loops.
 */
public final class AdminServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService executor;

  private AdminServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  public static AdminServer start(
      InetSocketAddress bind, RouterServer router, Optional<RouterReloader> reloader)
      throws IOException {
    HttpServer http = HttpServer.create(bind, 16);
    http.createContext(
        "/metrics",
        exchange -> {
          if (allowed(exchange, "GET")) {
            send(exchange, 200, "text/plain; version=0.0.4", router.metrics().scrape());
          }
        });
    http.createContext(
        "/routes",
        exchange -> {
          if (allowed(exchange, "GET")) {
            send(exchange, 200, "text/plain", router.routes() + "\n");
          }
        });
    http.createContext(
        "/reload",
        exchange -> {
          if (!allowed(exchange, "POST")) {
            return;
          }
          if (reloader.isEmpty()) {
            send(
                exchange,
                409,
                "text/plain",
                "not reloadable: this router was started with flags, not --config\n");
            return;
          }
          RouterReloader.Outcome outcome = reloader.get().reload();
          send(exchange, outcome.applied() ? 200 : 400, "text/plain", outcome.message() + "\n");
        });
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "cuttle-router-admin");
              thread.setDaemon(true);
              return thread;
            });
    http.setExecutor(executor);
    http.start();
    return new AdminServer(http, executor);
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  private static boolean allowed(HttpExchange exchange, String method) throws IOException {
    if (exchange.getRequestMethod().equals(method)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", method);
    send(exchange, 405, "text/plain", "use " + method + "\n");
    return false;
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
