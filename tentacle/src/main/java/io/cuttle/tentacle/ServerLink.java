package io.cuttle.tentacle;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.api.CommsStyle;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One server an instance is registered with: where its REST API and polling endpoint are, the
 * thumbprint pinned for it and the tentacle id it gave the instance. Every server of an instance
 * trusts the same instance certificate.
 */
public record ServerLink(
    String name,
    String tentacleId,
    String serverUrl,
    String pollingUrl,
    CommsStyle commsStyle,
    String serverThumbprint,
    String environment,
    List<String> roles,
    long registeredAtMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) String nextServerThumbprint) {

  /** The server thumbprints to trust: the current one, and the next one when it was announced. */
  public Set<Thumbprint> serverPins() {
    Thumbprint current = Thumbprint.parse(serverThumbprint);
    return nextServerThumbprint == null
        ? Set.of(current)
        : Set.of(current, Thumbprint.parse(nextServerThumbprint));
  }

  /** This server, trusting {@code next} beside the current thumbprint. */
  public ServerLink withNextServerThumbprint(Thumbprint next) {
    return withPins(serverThumbprint, next.toString());
  }

  /** This server after it switched to its next certificate: that one alone is trusted. */
  public ServerLink withNextServerThumbprintPromoted() {
    if (nextServerThumbprint == null) {
      throw new IllegalStateException("no next server thumbprint to promote");
    }
    return withPins(nextServerThumbprint, null);
  }

  private ServerLink withPins(String current, String next) {
    return new ServerLink(
        name,
        tentacleId,
        serverUrl,
        pollingUrl,
        commsStyle,
        current,
        environment,
        roles,
        registeredAtMillis,
        next);
  }

  /**
   * True when {@code url} names this link's server, however its scheme, case or port is written.
   */
  public boolean isAt(String url) {
    return canonical(serverUrl).equals(canonical(url));
  }

  /**
   * {@code https://Host:443/} and {@code https://host} are one server; an unparseable URL is
   * compared as written.
   */
  static String canonical(String url) {
    try {
      URI uri = URI.create(url.strip());
      if (uri.getHost() == null) {
        return url.strip();
      }
      String scheme = uri.getScheme() == null ? "https" : uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort() != -1 ? uri.getPort() : "http".equals(scheme) ? 80 : 443;
      String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port + path;
    } catch (IllegalArgumentException e) {
      return url.strip();
    }
  }
}
