package io.cuttle.bench;

import io.cuttle.testkit.ExternalProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The four ways the load generator reaches the echo backend. Every proxy routes by the SNI {@link
 * TlsLoad#SERVER_NAME} to the backend and passes TLS through; each runs as a process of its own,
 * with its defaults except the limits that would otherwise refuse the bench's own connections.
 */
enum RouterTarget {
  DIRECT,
  CUTTLE,
  HAPROXY,
  NGINX;

  /** Where Debian's libnginx-mod-stream puts the module; nginx.org's builds have it built in. */
  private static final Path DEBIAN_NGINX_STREAM_MODULE =
      Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Connections a proxy may hold: two sockets each must fit under the file limit this machine
   * allows a process (see bench/router.sh), with room for the program's own files.
   */
  static final int MAX_PROXY_CONNECTIONS = 9_000;

  String displayName() {
    return switch (this) {
      case DIRECT -> "direct";
      case CUTTLE -> "cuttle router";
      case HAPROXY -> "haproxy";
      case NGINX -> "nginx";
    };
  }

  static RouterTarget parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "target '" + name + "' (expected: direct, cuttle, haproxy or nginx)");
    }
  }

  /** Starts this target in front of the backend; in a folder of its own under {@code dir}. */
  Running start(Path dir, int backendPort) throws IOException, InterruptedException {
    if (this == DIRECT) {
      return new Running(this, backendPort, null);
    }
    Path folder = Files.createDirectories(dir.resolve(name().toLowerCase(Locale.ROOT)));
    int port = freePort();
    ExternalProcess program =
        switch (this) {
          case CUTTLE -> startCuttleRouter(folder, port, backendPort);
          case HAPROXY -> startHaproxy(folder, port, backendPort);
          case NGINX -> startNginx(folder, port, backendPort);
          case DIRECT -> throw new AssertionError("handled above");
        };
    try {
      program.awaitListening(port, START_TIMEOUT);
    } catch (RuntimeException | InterruptedException e) {
      program.close();
      throw e;
    }
    return new Running(this, port, program);
  }

  private static ExternalProcess startCuttleRouter(Path folder, int port, int backendPort)
      throws IOException {
    Path config = folder.resolve("router.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "listen: [127.0.0.1:" + port + "]",
            "limits:",
            "  maxConnections: " + MAX_PROXY_CONNECTIONS,
            "  perSource: { rate: 0, burst: 1 }   # the bench is one source opening thousands",
            "upstreams:",
            "  echo:",
            "    endpoints: [127.0.0.1:" + backendPort + "]",
            "routes:",
            "  - name: echo",
            "    sni: [" + TlsLoad.SERVER_NAME + "]",
            "    upstream: echo",
            ""),
        StandardCharsets.UTF_8);
    return ExternalProcess.start(
        "cuttle router",
        folder.resolve("output.log"),
        CuttleCommand.of(ROUTER_HEAP, "router", "--config", config.toString()));
  }

  private static ExternalProcess startHaproxy(Path folder, int port, int backendPort)
      throws IOException {
    Path haproxy = ExternalProcess.require("haproxy", "haproxy");
    Path config = folder.resolve("haproxy.cfg");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global",
            "    maxconn " + MAX_PROXY_CONNECTIONS,
            "frontend bench",
            "    bind 127.0.0.1:" + port,
            "    mode tcp",
            "    timeout client 10m",
            "    tcp-request inspect-delay 5s",
            "    tcp-request content accept if { req.ssl_hello_type 1 }",
            "    tcp-request content reject",
            "    use_backend echo if { req.ssl_sni -i " + TlsLoad.SERVER_NAME + " }",
            "backend echo",
            "    mode tcp",
            "    timeout connect 5s",
            "    timeout server 10m",
            "    server echo 127.0.0.1:" + backendPort,
            ""),
        StandardCharsets.UTF_8);
    return ExternalProcess.start(
        "haproxy",
        folder.resolve("output.log"),
        List.of(haproxy.toString(), "-db", "-f", config.toString()));
  }

  private static ExternalProcess startNginx(Path folder, int port, int backendPort)
      throws IOException {
    Path nginx = ExternalProcess.require("nginx", "nginx libnginx-mod-stream");
    Path config = folder.resolve("nginx.conf");
    String module =
        Files.exists(DEBIAN_NGINX_STREAM_MODULE)
            ? "load_module " + DEBIAN_NGINX_STREAM_MODULE + ";"
            : "# stream built in";
    Files.writeString(
        config,
        String.join(
            "\n",
            module,
            "pid " + folder.resolve("nginx.pid") + ";",
            "worker_processes auto;",
            "worker_rlimit_nofile " + (2 * MAX_PROXY_CONNECTIONS + 100) + ";",
            "events { worker_connections " + (2 * MAX_PROXY_CONNECTIONS) + "; }",
            "stream {",
            "    map $ssl_preread_server_name $echo_upstream {",
            "        " + TlsLoad.SERVER_NAME + " 127.0.0.1:" + backendPort + ";",
            "    }",
            "    server {",
            "        listen 127.0.0.1:" + port + ";",
            "        ssl_preread on;",
            "        proxy_pass $echo_upstream;",
            "        proxy_connect_timeout 5s;",
            "        proxy_timeout 10m;",
            "    }",
            "}",
            ""),
        StandardCharsets.UTF_8);
    return ExternalProcess.start(
        "nginx",
        folder.resolve("output.log"),
        List.of(
            nginx.toString(),
            "-e",
            "stderr",
            "-p",
            folder + "/",
            "-c",
            config.toString(),
            "-g",
            "daemon off; error_log stderr;"));
  }

  /**
   * A fixed heap, touched in full at start, keeps the heap's share of resident memory constant: a
   * JVM otherwise grows and returns heap pages as it likes, which swamped the connections' own
   * memory (readings even fell as connections were added).
   */
  private static final List<String> ROUTER_HEAP =
      List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A started target: the port the load generator dials, and its process unless direct. */
  record Running(RouterTarget target, int port, ExternalProcess program) implements AutoCloseable {
    /**
     * The process tree's resident memory; empty for the backend reached directly. For {@code cuttle
     * router} it is the JVM's resident memory (its heap fixed and touched in full at start, see
     * {@link #ROUTER_HEAP}) plus what is live in that heap after a full collection: so a growth
     * between two readings is the native memory and the live objects the connections added, not the
     * heap the JVM happened to commit or give back meanwhile.
     */
    OptionalLong residentBytes() throws IOException, InterruptedException {
      if (program == null) {
        return OptionalLong.empty();
      }
      if (target != CUTTLE) {
        return OptionalLong.of(program.residentBytes());
      }
      Jcmd.collectGarbage(program.pid());
      return OptionalLong.of(program.residentBytes() + Jcmd.heapUsedBytes(program.pid()));
    }

    @Override
    public void close() throws InterruptedException {
      if (program != null) {
        program.close();
      }
    }
  }
}
