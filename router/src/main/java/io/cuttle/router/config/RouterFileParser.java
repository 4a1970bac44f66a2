package io.cuttle.router.config;

import io.cuttle.router.Route;
import io.cuttle.router.RouteTable;
import io.cuttle.router.RouterConfig;
import io.cuttle.router.Upstream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a {@code router.yaml} (the format is in docs/router.md). Every problem is
 * reported with its file, line and setting; nothing is half-applied: either a whole {@link
 * RouterFile} comes back or a {@link ConfigException}.
 */
public final class RouterFileParser {
  private static final Set<String> TOP =
      Set.of(
          "listen",
          "reusePort",
          "admin",
          "clientHello",
          "upstreamConnectTimeout",
          "idleTimeout",
          "limits",
          "drainTimeout",
          "upstreams",
          "routes");
  private static final Set<String> CLIENT_HELLO = Set.of("maxBytes", "timeout");
  private static final Set<String> LIMITS = Set.of("maxConnections", "perSource");
  private static final Set<String> PER_SOURCE = Set.of("rate", "burst");
  private static final Set<String> UPSTREAM =
      Set.of("endpoints", "balance", "proxyProtocol", "healthCheck", "ejection");
  private static final Set<String> HEALTH_CHECK = Set.of("interval", "timeout");
  private static final Set<String> EJECTION = Set.of("failures", "time");
  private static final Set<String> ROUTE =
      Set.of("name", "sni", "alpn", "default", "unparseable", "upstream", "polling", "idleTimeout");
  private static final int MAX_FILE_BYTES = 1 << 20;

  private RouterFileParser() {}

  public static RouterFile read(Path file) throws ConfigException, IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new ConfigException(file.toString(), 0, "larger than 1 MiB; is it the right file?");
    }
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  public static RouterFile parse(String source, String yaml) throws ConfigException {
    YamlNode root = new YamlNode(source, "", compose(source, new StringReader(yaml)));
    Map<String, YamlNode> top = root.fields(TOP);
    RouterConfig.Builder config = RouterConfig.builder();
    try {
      for (YamlNode listen : YamlNode.required(root, top, "listen").items()) {
        config.listener(listen.address());
      }
    } catch (IllegalArgumentException e) {
      throw top.get("listen").problem(e.getMessage());
    }
    if (top.containsKey("reusePort")) {
      config.reusePort(top.get("reusePort").bool());
    }
    Optional<YamlNode> clientHello = YamlNode.optional(top, "clientHello");
    if (clientHello.isPresent()) {
      Map<String, YamlNode> fields = clientHello.get().fields(CLIENT_HELLO);
      if (fields.containsKey("maxBytes")) {
        config.maxClientHelloBytes(fields.get("maxBytes").integer(1024, 1 << 20));
      }
      if (fields.containsKey("timeout")) {
        applying(fields.get("timeout"), d -> config.clientHelloTimeout(d));
      }
    }
    if (top.containsKey("upstreamConnectTimeout")) {
      applying(top.get("upstreamConnectTimeout"), d -> config.upstreamConnectTimeout(d));
    }
    if (top.containsKey("idleTimeout")) {
      applying(top.get("idleTimeout"), d -> config.idleTimeout(d));
    }
    readLimits(top, config);
    Map<String, Upstream> upstreams = readUpstreams(YamlNode.required(root, top, "upstreams"));
    config.routes(readRoutes(YamlNode.required(root, top, "routes"), upstreams));
    Optional<InetSocketAddress> admin = Optional.empty();
    if (top.containsKey("admin")) {
      admin = Optional.of(top.get("admin").address());
    }
    Duration drain = RouterFile.DEFAULT_DRAIN_TIMEOUT;
    if (top.containsKey("drainTimeout")) {
      drain = top.get("drainTimeout").duration();
    }
    return new RouterFile(config.build(), admin, drain);
  }

  private static Node compose(String source, Reader reader) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    try {
      Node node = new Yaml(new SafeConstructor(options)).compose(reader);
      if (node == null) {
        throw new ConfigException(source, 0, "empty (expected: listen, upstreams and routes)");
      }
      return node;
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(source, line, "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(source, 0, "not valid YAML: " + e.getMessage());
    }
  }

  private static void readLimits(Map<String, YamlNode> top, RouterConfig.Builder config)
      throws ConfigException {
    if (!top.containsKey("limits")) {
      return;
    }
    Map<String, YamlNode> limits = top.get("limits").fields(LIMITS);
    if (limits.containsKey("maxConnections")) {
      config.maxConnections(limits.get("maxConnections").integer(1, Integer.MAX_VALUE));
    }
    if (limits.containsKey("perSource")) {
      Map<String, YamlNode> perSource = limits.get("perSource").fields(PER_SOURCE);
      double rate =
          perSource.containsKey("rate")
              ? perSource.get("rate").number(0)
              : RouterConfig.DEFAULT_PER_SOURCE_RATE;
      int burst =
          perSource.containsKey("burst")
              ? perSource.get("burst").integer(1, Integer.MAX_VALUE)
              : RouterConfig.DEFAULT_PER_SOURCE_BURST;
      config.perSourceLimit(rate, burst);
    }
  }

  private static Map<String, Upstream> readUpstreams(YamlNode node) throws ConfigException {
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    for (Map.Entry<String, YamlNode> entry : node.namedEntries().entrySet()) {
      YamlNode upstreamNode = entry.getValue();
      Map<String, YamlNode> fields = upstreamNode.fields(UPSTREAM);
      try {
        Upstream.Builder upstream = Upstream.builder(entry.getKey());
        for (YamlNode endpoint : YamlNode.required(upstreamNode, fields, "endpoints").items()) {
          try {
            upstream.endpoint(endpoint.address());
          } catch (IllegalArgumentException e) {
            throw endpoint.problem(e.getMessage());
          }
        }
        if (fields.containsKey("balance")) {
          upstream.balance(balance(fields.get("balance")));
        }
        if (fields.containsKey("proxyProtocol")) {
          upstream.proxyProtocol(fields.get("proxyProtocol").bool());
        }
        if (fields.containsKey("healthCheck")) {
          Map<String, YamlNode> check = fields.get("healthCheck").fields(HEALTH_CHECK);
          Duration interval =
              YamlNode.required(fields.get("healthCheck"), check, "interval").duration();
          Duration timeout =
              check.containsKey("timeout")
                  ? check.get("timeout").duration()
                  : Upstream.DEFAULT_HEALTH_CHECK_TIMEOUT;
          upstream.healthCheck(interval, timeout);
        }
        if (fields.containsKey("ejection")) {
          Map<String, YamlNode> ejection = fields.get("ejection").fields(EJECTION);
          upstream.ejection(
              ejection.containsKey("failures")
                  ? ejection.get("failures").integer(0, 1000)
                  : Upstream.DEFAULT_EJECT_AFTER_FAILURES,
              ejection.containsKey("time")
                  ? ejection.get("time").duration()
                  : Upstream.DEFAULT_EJECTION_TIME);
        }
        upstreams.put(entry.getKey(), upstream.build());
      } catch (IllegalArgumentException e) {
        throw upstreamNode.problem(e.getMessage());
      }
    }
    if (upstreams.isEmpty()) {
      throw node.problem("none defined (expected: at least one upstream with endpoints)");
    }
    return upstreams;
  }

  private static Upstream.Balance balance(YamlNode node) throws ConfigException {
    return switch (node.scalar().toLowerCase(Locale.ROOT)) {
      case "round-robin" -> Upstream.Balance.ROUND_ROBIN;
      case "least-connections" -> Upstream.Balance.LEAST_CONNECTIONS;
      default ->
          throw node.problem(
              "'" + node.scalar() + "' (expected: round-robin or least-connections)");
    };
  }

  private static RouteTable readRoutes(YamlNode node, Map<String, Upstream> upstreams)
      throws ConfigException {
    RouteTable.Builder table = RouteTable.builder();
    boolean hasDefault = false;
    boolean hasUnparseable = false;
    for (YamlNode routeNode : node.items()) {
      Map<String, YamlNode> fields = routeNode.fields(ROUTE);
      String name = YamlNode.required(routeNode, fields, "name").scalar();
      YamlNode upstreamName = YamlNode.required(routeNode, fields, "upstream");
      Upstream upstream = upstreams.get(upstreamName.scalar());
      if (upstream == null) {
        throw upstreamName.problem(
            "'"
                + upstreamName.scalar()
                + "' is not defined (defined: "
                + String.join(", ", upstreams.keySet())
                + ")");
      }
      boolean polling = fields.containsKey("polling") && fields.get("polling").bool();
      Duration idle =
          fields.containsKey("idleTimeout")
              ? fields.get("idleTimeout").duration()
              : polling ? RouterConfig.POLLING_IDLE_TIMEOUT : null;
      Route route = new Route(name, upstream, idle);
      boolean matchesSomething = false;
      try {
        if (fields.containsKey("sni")) {
          for (YamlNode sni : fields.get("sni").items()) {
            String pattern = sni.scalar();
            try {
              if (pattern.startsWith("*")) {
                table.wildcard(pattern, route);
              } else {
                table.exact(pattern, route);
              }
            } catch (IllegalArgumentException e) {
              throw sni.problem(e.getMessage());
            }
            matchesSomething = true;
          }
        }
        if (fields.containsKey("alpn")) {
          for (YamlNode alpn : fields.get("alpn").items()) {
            try {
              table.alpn(alpn.scalar(), route);
            } catch (IllegalArgumentException e) {
              throw alpn.problem(e.getMessage());
            }
            matchesSomething = true;
          }
        }
        if (fields.containsKey("default") && fields.get("default").bool()) {
          if (hasDefault) {
            throw fields.get("default").problem("a second default route (expected: one at most)");
          }
          table.defaultRoute(route);
          hasDefault = true;
          matchesSomething = true;
        }
        if (fields.containsKey("unparseable") && fields.get("unparseable").bool()) {
          if (polling) {
            throw fields
                .get("unparseable")
                .problem("a polling route cannot take input that is not TLS (fail closed)");
          }
          if (hasUnparseable) {
            throw fields.get("unparseable").problem("a second unparseable route (expected: one)");
          }
          table.unparseableRoute(route);
          hasUnparseable = true;
          matchesSomething = true;
        }
      } catch (IllegalArgumentException e) {
        throw routeNode.problem(e.getMessage());
      }
      if (!matchesSomething) {
        throw routeNode.problem(
            "route '" + name + "' matches nothing (expected: sni, alpn, default or unparseable)");
      }
    }
    return table.build();
  }

  private interface DurationSetter {
    void set(Duration duration);
  }

  private static void applying(YamlNode node, DurationSetter setter) throws ConfigException {
    try {
      setter.set(node.duration());
    } catch (IllegalArgumentException e) {
      throw node.problem(e.getMessage());
    }
  }
}
