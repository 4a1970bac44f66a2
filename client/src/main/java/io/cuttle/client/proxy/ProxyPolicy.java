package io.cuttle.client.proxy;

import io.cuttle.common.net.LoopbackNames;
import java.util.Map;
import java.util.Optional;

/**
 * Which connections go through which proxy: none, one proxy for every connection (a setting made on
 * purpose, so it applies even to loopback names), or what HTTPS_PROXY and NO_PROXY say.
 *
 * <p>The environment is a parameter rather than read here, so tests can give it (a JVM cannot set
 * its own environment variables).
 */
public final class ProxyPolicy {
  private static final ProxyPolicy DIRECT = new ProxyPolicy(null, null, null);

  private final ProxyAddress proxy;
  private final NoProxy noProxy; // null: the proxy was set on purpose and covers every host
  private final String source;

  private ProxyPolicy(ProxyAddress proxy, NoProxy noProxy, String source) {
    this.proxy = proxy;
    this.noProxy = noProxy;
    this.source = source;
  }

  /** Every connection goes direct, whatever the environment says. */
  public static ProxyPolicy direct() {
    return DIRECT;
  }

  /** Every connection goes through {@code proxy}, loopback names included. */
  public static ProxyPolicy through(ProxyAddress proxy) {
    return new ProxyPolicy(java.util.Objects.requireNonNull(proxy, "proxy"), null, "setting");
  }

  /**
   * What {@code https_proxy} / {@code HTTPS_PROXY} and {@code no_proxy} / {@code NO_PROXY} say (the
   * lower-case name wins when both are set, as in curl). Loopback names and addresses always go
   * direct: a proxy elsewhere cannot reach this machine's loopback. A malformed HTTPS_PROXY is an
   * error naming the variable, rather than a silent direct connection the firewall then drops.
   */
  public static ProxyPolicy fromEnvironment(Map<String, String> environment) {
    String variable = environment.containsKey("https_proxy") ? "https_proxy" : "HTTPS_PROXY";
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      return DIRECT;
    }
    String noProxy =
        environment.containsKey("no_proxy")
            ? environment.get("no_proxy")
            : environment.get("NO_PROXY");
    return new ProxyPolicy(ProxyAddress.parse(variable, value), NoProxy.parse(noProxy), variable);
  }

  /** The proxy to tunnel through to {@code host}, or empty to connect direct. */
  public Optional<ProxyAddress> proxyFor(String host) {
    if (proxy == null) {
      return Optional.empty();
    }
    if (noProxy != null
        && (LoopbackNames.isLoopbackName(host)
            || NoProxy.isLoopbackLiteral(host)
            || noProxy.bypasses(host))) {
      return Optional.empty();
    }
    return Optional.of(proxy);
  }

  /** How connections to {@code host} go, for a log line; never shows a password. */
  public String describe(String host) {
    return proxyFor(host)
        .map(p -> "through proxy " + p + (noProxy == null ? "" : " (from " + source + ")"))
        .orElse(proxy == null ? "directly" : "directly (" + host + " is loopback or in NO_PROXY)");
  }

  @Override
  public String toString() {
    return proxy == null ? "direct" : "proxy " + proxy + (noProxy == null ? "" : " from " + source);
  }
}
