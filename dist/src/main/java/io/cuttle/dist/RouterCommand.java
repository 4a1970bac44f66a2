package io.cuttle.dist;

import io.cuttle.dist.settings.Layout;
import io.cuttle.dist.settings.SettingSources;
import io.cuttle.router.Route;
import io.cuttle.router.RouteTable;
import io.cuttle.router.RouterConfig;
import io.cuttle.router.RouterServer;
import io.cuttle.router.Upstream;
import io.cuttle.router.admin.AdminServer;
import io.cuttle.router.admin.RouterReloader;
import io.cuttle.router.config.HostPort;
import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "router",
    mixinStandardHelpOptions = true,
    subcommands = RouterReloadCommand.class,
    description = {
      "Runs the SNI router on its own, in front of one or more servers: it reads each "
          + "connection's TLS ClientHello, picks an upstream by server name or ALPN, and passes TLS "
          + "through untouched.",
      "Configure it with a file (see docs/router.md):",
      "  cuttle router --config /etc/cuttle/router.yaml",
      "Or, for a quick start, with flags:",
      "  cuttle router --listen 0.0.0.0:443 \\",
      "    --route polling.deploy.example.com=10.0.0.5:10943 --default 10.0.0.5:8443",
      "SIGHUP or 'cuttle router reload' applies a changed file to new connections."
    })
final class RouterCommand implements Callable<Integer> {
  /**
   * CUTTLE_ROUTER_* variables and a settings file; {@code --config} was already the router's YAML,
   * so the settings file is {@code --settings}.
   */
  static final Layout SETTINGS = Layout.of("ROUTER", "--settings").withActions("--check");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--settings",
      paramLabel = "FILE",
      description = {
        "Settings file, e.g. /etc/cuttle/router.conf: one 'name = value' per line, the names "
            + "being the options here without their dashes (config = /etc/cuttle/router.yaml). An "
            + "option beats its environment variable, which beats the file; see "
            + "docs/configuration.md."
      })
  Path settings;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "router.yaml to run from; reloadable. Excludes the flags below.")
  Path config;

  @Option(
      names = "--check",
      description = "Only validate --config and say what it would do, like 'nginx -t'.")
  boolean check;

  @Option(names = "--listen", description = "Address to listen on (default: 0.0.0.0:443).")
  String listen;

  @Option(
      names = "--route",
      paramLabel = "NAME=HOST:PORT",
      split = ",",
      description =
          "NAME=HOST:PORT: send connections for server name NAME (or *.domain) to HOST:PORT"
              + " (repeatable, or several separated by commas).")
  List<String> routes = List.of();

  @Option(
      names = "--default",
      description =
          "HOST:PORT for connections with no SNI or an unknown name (default: close them).")
  String defaultUpstream;

  @Option(
      names = "--proxy-protocol",
      description = "Send a PROXY protocol v2 header to every upstream.")
  boolean proxyProtocol;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      description = "Serve /metrics and /routes here (flags mode; a file says 'admin:').")
  String admin;

  @CommandLine.Mixin LogFormatOption logFormat;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    logFormat.apply();
    RouterFile file = config != null ? fromFile() : fromFlags();
    if (check) {
      out.println(config + " is valid.");
      out.println(
          "  listen: "
              + file.router().listeners()
              + (file.router().reusePort() ? ", shared with other router processes" : ""));
      out.println("  routes: " + file.router().routes());
      out.println("  admin:  " + file.admin().map(RouterCommand::hostPort).orElse("none"));
      out.flush();
      return 0;
    }
    // The jar's logback.xml keeps the access log quiet for the server's built-in router, where it
    // would log every browser connection; a standalone router writes it, as docs/router.md says.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("cuttle.router.access"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    RouterServer router = RouterServer.start(file.router());
    Optional<RouterReloader> reloader =
        config == null ? Optional.empty() : Optional.of(new RouterReloader(config, router, file));
    AdminServer adminServer =
        file.admin().isEmpty()
            ? null
            : AdminServer.start(
                file.admin().get(), router, reloader, AdminServer.DEFAULT_REQUEST_TIMEOUT);
    reloader.ifPresent(Hangup::reloadOn);
    out.println("Cuttle router listening on " + router.localAddresses());
    if (adminServer != null) {
      out.println("Admin (metrics, routes, reload) on http://" + hostPort(adminServer.address()));
    }
    out.flush();
    UntilStopped.await(
        () -> {
          // The admin port outlives the drain, so /health/ready says "not ready" meanwhile.
          router.closeGracefully(file.drainTimeout());
          if (adminServer != null) {
            adminServer.close();
          }
        });
    return 0;
  }

  /** How an error names {@code option}: as the command line, environment or file gave it. */
  private String label(String option) {
    SettingSources sources = SettingSources.of(spec);
    return sources == null ? option : sources.label(option);
  }

  private RouterFile fromFile() throws Exception {
    String flag =
        listen != null
            ? "--listen"
            : !routes.isEmpty()
                ? "--route"
                : defaultUpstream != null ? "--default" : admin != null ? "--admin" : null;
    if (flag != null) {
      throw new IllegalArgumentException(
          label("--config")
              + ": give either a file or --listen/--route/--default/--admin, not both"
              + (label(flag).equals(flag) ? "" : " (" + label(flag) + " is set)"));
    }
    return RouterFileParser.read(config);
  }

  private RouterFile fromFlags() {
    if (check) {
      throw new IllegalArgumentException("--check: needs --config FILE");
    }
    String routeLabel = label("--route");
    RouteTable.Builder table = RouteTable.builder();
    for (String route : routes) {
      int equals = route.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(
            routeLabel + ": '" + route + "' (expected: NAME=HOST:PORT)");
      }
      String name = route.substring(0, equals);
      Route target =
          new Route(
              name,
              Upstream.single(
                  address(routeLabel + " " + name, route.substring(equals + 1)), proxyProtocol));
      if (name.startsWith("*.")) {
        table.wildcard(name, target);
      } else {
        table.exact(name, target);
      }
    }
    if (defaultUpstream != null) {
      table.defaultRoute(
          new Route(
              "default",
              Upstream.single(address(label("--default"), defaultUpstream), proxyProtocol)));
    }
    if (routes.isEmpty() && defaultUpstream == null) {
      throw new IllegalArgumentException(
          "give --config FILE, or at least one --route or a --default upstream");
    }
    RouterConfig router =
        RouterConfig.builder()
            .bindAddress(address(label("--listen"), listen == null ? "0.0.0.0:443" : listen))
            .routes(table.build())
            .build();
    return new RouterFile(
        router,
        Optional.ofNullable(admin).map(a -> address(label("--admin"), a)),
        RouterFile.DEFAULT_DRAIN_TIMEOUT);
  }

  static InetSocketAddress address(String option, String hostPort) {
    try {
      return HostPort.parse(hostPort);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
