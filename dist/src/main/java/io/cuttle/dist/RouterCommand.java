package io.cuttle.dist;

import io.cuttle.router.Route;
import io.cuttle.router.RouteTable;
import io.cuttle.router.RouterConfig;
import io.cuttle.router.RouterServer;
import io.cuttle.router.Upstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "router",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the SNI router on its own, in front of one or more servers: it reads each",
      "connection's TLS ClientHello, picks an upstream by server name, and passes TLS through.",
      "Example: cuttle router --listen 0.0.0.0:443 \\",
      "           --route polling.deploy.example.com=10.0.0.5:10943 --default 10.0.0.5:8443"
    })
final class RouterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.0.0.0:443")
  String listen;

  @Option(
      names = "--route",
      description =
          "NAME=HOST:PORT: send connections for server name NAME (or *.domain) to HOST:PORT (repeatable).")
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

  @Override
  public Integer call() throws Exception {
    RouteTable.Builder table = RouteTable.builder();
    for (String route : routes) {
      int equals = route.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--route: '" + route + "' (expected: NAME=HOST:PORT)");
      }
      String name = route.substring(0, equals);
      Route target =
          new Route(
              name,
              Upstream.single(
                  address("--route " + name, route.substring(equals + 1)), proxyProtocol));
      if (name.startsWith("*.")) {
        table.wildcard(name, target);
      } else {
        table.exact(name, target);
      }
    }
    if (defaultUpstream != null) {
      table.defaultRoute(
          new Route(
              "default", Upstream.single(address("--default", defaultUpstream), proxyProtocol)));
    }
    if (routes.isEmpty() && defaultUpstream == null) {
      throw new IllegalArgumentException("give at least one --route or a --default upstream");
    }
    RouterServer router =
        RouterServer.start(
            RouterConfig.builder()
                .bindAddress(address("--listen", listen))
                .routes(table.build())
                .build());
    spec.commandLine().getOut().println("Cuttle router listening on " + router.localAddress());
    spec.commandLine().getOut().flush();
    UntilStopped.await(() -> router.closeGracefully(Duration.ofSeconds(10)));
    return 0;
  }

  static InetSocketAddress address(String option, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": '" + hostPort + "' (expected: HOST:PORT, e.g. 10.0.0.5:8443)");
    }
  }
}
