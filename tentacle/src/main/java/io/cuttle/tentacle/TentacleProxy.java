package io.cuttle.tentacle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cuttle.client.proxy.ProxyAddress;
import io.cuttle.client.proxy.ProxyPolicy;
import java.util.Map;

/**
 * An instance's proxy setting, the {@code proxy} object of {@code tentacle.json}:
 *
 * <ul>
 *   <li>{@code {"mode": "environment"}} (or no {@code proxy} at all): HTTPS_PROXY and NO_PROXY
 *       decide;
 *   <li>{@code {"mode": "direct"}}: never a proxy, whatever the environment says;
 *   <li>{@code {"mode": "http", "url": "http://host:port", "username": ..., "password": ...}}:
 *       every connection of this instance tunnels through that proxy; the account is optional.
 * </ul>
 *
 * The password is kept in clear because the proxy needs it in clear; {@code tentacle.json} is
 * written owner-only for that reason (and for the registration it holds). {@link #toString()} never
 * shows it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TentacleProxy(Mode mode, String url, String username, String password) {
  public enum Mode {
    @JsonProperty("environment")
    ENVIRONMENT,
    @JsonProperty("direct")
    DIRECT,
    @JsonProperty("http")
    HTTP
  }

  public static TentacleProxy environment() {
    return new TentacleProxy(Mode.ENVIRONMENT, null, null, null);
  }

  public static TentacleProxy direct() {
    return new TentacleProxy(Mode.DIRECT, null, null, null);
  }

  /**
   * Through the proxy at {@code url}; an account may be in the URL or given apart, not both. Fails
   * with a message naming the bad input, before anything is stored.
   */
  public static TentacleProxy http(String url, String username, String password) {
    ProxyAddress parsed = ProxyAddress.parse("--proxy", url);
    if (parsed.hasCredentials() && (username != null || password != null)) {
      throw new IllegalArgumentException(
          "--proxy: give the proxy account either in the URL or with --proxy-user and"
              + " --proxy-password, not both");
    }
    if (username == null && password != null) {
      throw new IllegalArgumentException("--proxy-password needs --proxy-user");
    }
    ProxyAddress account =
        parsed.hasCredentials() ? parsed : parsed.withCredentials(username, password);
    return new TentacleProxy(
        Mode.HTTP, parsed.withoutCredentials().url(), account.username(), account.password());
  }

  /** What this setting means for connections, given the process environment. */
  public ProxyPolicy policy(Map<String, String> environment) {
    return switch (mode == null ? Mode.ENVIRONMENT : mode) {
      case ENVIRONMENT -> ProxyPolicy.fromEnvironment(environment);
      case DIRECT -> ProxyPolicy.direct();
      case HTTP ->
          ProxyPolicy.through(
              ProxyAddress.parse("tentacle.json proxy.url", url)
                  .withCredentials(username, password));
    };
  }

  /** For people: the mode and proxy, never the password. */
  public String describe() {
    return switch (mode == null ? Mode.ENVIRONMENT : mode) {
      case ENVIRONMENT -> "as HTTPS_PROXY and NO_PROXY say";
      case DIRECT -> "directly, never through a proxy";
      case HTTP -> "through " + url + (username == null ? "" : " as user '" + username + "'");
    };
  }

  @Override
  public String toString() {
    return "TentacleProxy[" + describe() + (password == null ? "" : ", password ****") + "]";
  }
}
