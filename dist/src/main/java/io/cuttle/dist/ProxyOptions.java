package io.cuttle.dist;

import io.cuttle.tentacle.TentacleProxy;
import picocli.CommandLine.Option;

/**
 * How a tentacle instance reaches its server through an HTTP proxy. Checked whole before anything
 * is stored, so bad input leaves the instance's settings as they were.
 */
final class ProxyOptions {
  @Option(
      names = "--proxy",
      paramLabel = "URL",
      description = {
        "Tunnel through this HTTP proxy (CONNECT).",
        "For example: http://proxy.example.com:3128"
      })
  String url;

  @Option(names = "--proxy-user", paramLabel = "USER", description = "User name for the proxy.")
  String user;

  @Option(
      names = "--proxy-password",
      paramLabel = "PASSWORD",
      description =
          "Password for the proxy (default with --proxy-user: the CUTTLE_PROXY_PASSWORD"
              + " environment variable, which keeps it out of the process list).")
  String password;

  @Option(
      names = "--no-proxy",
      description = "Connect directly, even when HTTPS_PROXY is set; clears a stored proxy.")
  boolean direct;

  @Option(
      names = "--system-proxy",
      description = "Follow HTTPS_PROXY and NO_PROXY (the default for a new instance).")
  boolean environment;

  /** The setting asked for, or null when none of the proxy options was given. */
  TentacleProxy chosen() {
    int modes = (url != null ? 1 : 0) + (direct ? 1 : 0) + (environment ? 1 : 0);
    if (modes > 1) {
      throw new IllegalArgumentException(
          "give only one of --proxy URL, --no-proxy or --system-proxy");
    }
    if (url == null && user != null) {
      throw new IllegalArgumentException("--proxy-user needs --proxy URL");
    }
    if (url != null) {
      // The variable only fills in for a user named here, so a stray one never causes an error.
      String secret =
          password != null || user == null ? password : System.getenv("CUTTLE_PROXY_PASSWORD");
      return TentacleProxy.http(url, user, blankToNull(secret));
    }
    return direct ? TentacleProxy.direct() : environment ? TentacleProxy.environment() : null;
  }

  private static String blankToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}
