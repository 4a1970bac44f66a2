package io.cuttle.client.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP proxy that opens CONNECT tunnels, and the account to open them with, if it wants one. The
 * tunnel carries our TLS untouched, so the proxy never sees plaintext and pinning is unchanged.
 *
 * <p>{@link #toString()} never shows the password: this object ends up in log lines.
 */
public final class ProxyAddress {
  private static final String EXPECTED = "expected: http://host:port";

  private final String host;
  private final int port;
  private final String username;
  private final String password;

  private ProxyAddress(String host, int port, String username, String password) {
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
  }

  /**
   * Parses {@code http://[user[:password]@]host:port}. {@code source} names where the text came
   * from (an option or a variable), so the error says which input to fix.
   */
  public static ProxyAddress parse(String source, String text) {
    if (text == null || text.isBlank()) {
      throw invalid(source, text, null);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw invalid(source, text, "not a URL");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if ("https".equals(scheme)) {
      // Armeria could speak TLS to the proxy, but then two TLS layers nest; nobody has asked.
      throw invalid(source, text, "a proxy reached over TLS is not supported");
    }
    if (!"http".equals(scheme) || uri.getHost() == null) {
      throw invalid(source, text, null);
    }
    if (uri.getPort() == -1) {
      throw invalid(source, text, "the port is missing");
    }
    boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty();
    if (!(pathless || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(source, text, "a proxy URL has no path");
    }
    String username = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      username = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ProxyAddress(host, uri.getPort(), emptyToNull(username), emptyToNull(password));
  }

  /** This proxy with another account; {@code username} null means none. */
  public ProxyAddress withCredentials(String username, String password) {
    if (username == null && password != null) {
      throw new IllegalArgumentException("a proxy password needs a proxy user name");
    }
    return new ProxyAddress(host, port, emptyToNull(username), emptyToNull(password));
  }

  /** The same proxy without an account: what may be printed or stored beside the secret. */
  public ProxyAddress withoutCredentials() {
    return new ProxyAddress(host, port, null, null);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The user name to give the proxy, or null. */
  public String username() {
    return username;
  }

  /** The password to give the proxy, or null. Never log it. */
  public String password() {
    return password;
  }

  public boolean hasCredentials() {
    return username != null;
  }

  /** {@code http://host:port}, without the account. */
  public String url() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return url() + (username == null ? "" : " as user '" + username + "'");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyAddress other
        && host.equals(other.host)
        && port == other.port
        && Objects.equals(username, other.username)
        && Objects.equals(password, other.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, username, password);
  }

  private static IllegalArgumentException invalid(String source, String text, String why) {
    return new IllegalArgumentException(
        source
            + ": '"
            + (text == null ? "" : masked(text))
            + "' ("
            + EXPECTED
            + (why == null ? "" : "; " + why)
            + ")");
  }

  /** The input as given, minus any password in it: error messages get printed and logged. */
  private static String masked(String text) {
    return text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*):[^@/]*@", "$1:****@");
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}
