package io.cuttle.router;

import io.netty.util.NetUtil;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which route a connection takes, decided from its ClientHello. Names compare without case and
 * without a trailing dot. A wildcard {@code *.example.com} matches every name ending in {@code
 * .example.com}, however many labels deep, but not {@code example.com} itself. Exact names win over
 * wildcards, longer wildcards over shorter ones. Connections with no SNI, an IP literal or an
 * unknown name take the default route; input that is not a TLS ClientHello takes the unparseable
 * route. Both are optional: without one, such connections are closed, so nothing reaches an
 * upstream unless the table says so ("fail closed").
 */
public final class RouteTable {
  private final Map<String, Route> exact;
  private final List<Map.Entry<String, Route>> wildcards;
  private final Route defaultRoute;
  private final Route unparseableRoute;

  private RouteTable(Builder b) {
    this.exact = Collections.unmodifiableMap(new LinkedHashMap<>(b.exact));
    this.wildcards =
        b.wildcards.entrySet().stream()
            .sorted(
                Comparator.comparingInt((Map.Entry<String, Route> e) -> e.getKey().length())
                    .reversed())
            .map(e -> Map.entry(e.getKey(), e.getValue()))
            .toList();
    this.defaultRoute = b.defaultRoute;
    this.unparseableRoute = b.unparseableRoute;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The route for a ClientHello that named {@code serverName} (null when it named none). */
  public Optional<Route> forServerName(String serverName) {
    if (serverName == null || isIpLiteral(serverName)) {
      return Optional.ofNullable(defaultRoute);
    }
    String name = normalize(serverName);
    Route route = exact.get(name);
    if (route != null) {
      return Optional.of(route);
    }
    for (Map.Entry<String, Route> wildcard : wildcards) {
      if (name.endsWith(wildcard.getKey()) && name.length() > wildcard.getKey().length()) {
        return Optional.of(wildcard.getValue());
      }
    }
    return Optional.ofNullable(defaultRoute);
  }

  /** The route for input that is not a TLS ClientHello at all. */
  public Optional<Route> forUnparseable() {
    return Optional.ofNullable(unparseableRoute);
  }

  private static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** RFC 6066 forbids IP literals in SNI, but clients send them: treat them as "no name". */
  private static boolean isIpLiteral(String name) {
    String bare =
        name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("RouteTable{");
    exact.forEach((name, route) -> out.append(name).append("->").append(route.name()).append(", "));
    wildcards.forEach(
        w ->
            out.append('*')
                .append(w.getKey())
                .append("->")
                .append(w.getValue().name())
                .append(", "));
    out.append("default->").append(defaultRoute == null ? "close" : defaultRoute.name());
    out.append(", unparseable->")
        .append(unparseableRoute == null ? "close" : unparseableRoute.name());
    return out.append('}').toString();
  }

  /** Builds a {@link RouteTable}. */
  public static final class Builder {
    private final Map<String, Route> exact = new LinkedHashMap<>();
    private final Map<String, Route> wildcards = new LinkedHashMap<>();
    private Route defaultRoute;
    private Route unparseableRoute;

    private Builder() {}

    /** Routes {@code name}, compared without case and without a trailing dot. */
    public Builder exact(String name, Route route) {
      Objects.requireNonNull(route, "route");
      if (name == null || name.isBlank() || name.contains("*")) {
        throw new IllegalArgumentException(
            "name: '" + name + "' (expected: a host name such as polling.example.com)");
      }
      if (exact.putIfAbsent(normalize(name), route) != null) {
        throw new IllegalArgumentException("name: '" + name + "' is routed twice");
      }
      return this;
    }

    /** Routes every name under {@code pattern}, written as {@code *.example.com}. */
    public Builder wildcard(String pattern, Route route) {
      Objects.requireNonNull(route, "route");
      if (pattern == null
          || !pattern.startsWith("*.")
          || pattern.length() < 3
          || pattern.substring(1).contains("*")) {
        throw new IllegalArgumentException("wildcard: '" + pattern + "' (expected: *.example.com)");
      }
      if (wildcards.putIfAbsent(normalize(pattern.substring(1)), route) != null) {
        throw new IllegalArgumentException("wildcard: '" + pattern + "' is routed twice");
      }
      return this;
    }

    public Builder defaultRoute(Route route) {
      this.defaultRoute = route;
      return this;
    }

    public Builder unparseableRoute(Route route) {
      this.unparseableRoute = route;
      return this;
    }

    public RouteTable build() {
      return new RouteTable(this);
    }
  }
}
