package io.cuttle.client.proxy;

import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says, in one sentence a person can act on, why a proxy did not open a tunnel, and what to ask the
 * proxy's admin for. Retries would otherwise repeat a stack trace that names Netty, not the proxy.
 */
public final class ProxyRefusal {
  // Netty puts the proxy's status line into the message: "..., status: 407 Proxy Authentication..."
  private static final Pattern STATUS = Pattern.compile("status: (\\d{3})( [^,]*)?");

  private ProxyRefusal() {}

  /**
   * Why {@code failure}, met connecting to {@code target} (host:port) through {@code proxy}, was
   * the proxy's doing; empty when it was not about the proxy.
   */
  public static Optional<String> explain(Throwable failure, ProxyAddress proxy, String target) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpProxyConnectException refusal) {
        return Optional.of(refused(refusal, proxy, target));
      }
      if (t instanceof ProxyConnectException timeout) {
        return Optional.of(
            "The proxy "
                + proxy
                + " did not open a tunnel to "
                + target
                + " ("
                + timeout.getMessage()
                + "): ask the proxy admin whether it can reach "
                + target);
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // With a proxy in use, the only connection this process makes is to the proxy itself.
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return Optional.of(
            "Cannot reach the proxy "
                + proxy.url()
                + " ("
                + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage())
                + "): check the proxy address, or ask the proxy admin whether it is running and"
                + " reachable from this machine");
      }
    }
    return Optional.empty();
  }

  private static String refused(
      HttpProxyConnectException refusal, ProxyAddress proxy, String target) {
    Matcher status = STATUS.matcher(String.valueOf(refusal.getMessage()));
    if (!status.find()) {
      return "The proxy " + proxy + " refused a tunnel to " + target + ": " + refusal.getMessage();
    }
    return forAnswer(
        status.group(1) + (status.group(2) == null ? "" : status.group(2)), proxy, target);
  }

  /**
   * The sentence for the proxy's answer to a tunnel request, given as its status code and reason
   * ({@code "403 Forbidden"}): what went wrong and what to ask the proxy's admin for.
   */
  public static String forAnswer(String answer, ProxyAddress proxy, String target) {
    String code = answer.length() >= 3 ? answer.substring(0, 3) : answer;
    String what = "The proxy " + proxy + " answered " + answer + " to a tunnel to " + target + ": ";
    return switch (code) {
      // tinyproxy, for one, answers wrong credentials with 401 rather than 407.
      case "401", "407" ->
          what
              + (proxy.hasCredentials()
                  ? "it did not accept the user name and password; ask the proxy admin to check"
                      + " the account '"
                      + proxy.username()
                      + "' (or for one that may open tunnels)"
                  : "it wants a user name and password; ask the proxy admin for an account and"
                      + " set it with --proxy-user and --proxy-password");
      case "403" ->
          what + "ask the proxy admin to allow CONNECT to " + target + " for this machine";
      default ->
          what
              + "ask the proxy admin whether the proxy can reach "
              + target
              + " (its name must resolve there, and its firewall must let the port out)";
    };
  }
}
