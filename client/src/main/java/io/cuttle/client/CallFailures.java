package io.cuttle.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import io.cuttle.client.proxy.ProxyTunnels;
import io.cuttle.wire.api.Problem;
import java.net.URI;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Why a REST call failed, in words a user can act on: the API's own refusal (its problem detail),
 * an address that is not the server's web URL (the polling name, the legacy port, something else),
 * or a server that could not be reached (a proxy's refusal, a plain network failure, a certificate
 * that is not the one pinned).
 */
final class CallFailures {
  /** The title of the page the polling listener answers on {@code /}. */
  private static final String POLLING_LISTENER_PAGE = "Cuttle polling listener";

  /** The title of the web app's front page. */
  private static final String WEB_APP_PAGE = "<title>Cuttle</title>";

  private final String serverUrl;
  private final URI uri;
  private final ServerTrust trust;
  private final ProxyTunnels tunnels;
  private final ObjectMapper json;
  private final Supplier<String> frontPage;

  /**
   * @param frontPage fetches the page the address answers on {@code /}, asked for only after a 404
   *     that is not the API's
   */
  CallFailures(
      String serverUrl,
      URI uri,
      ServerTrust trust,
      ProxyTunnels tunnels,
      ObjectMapper json,
      Supplier<String> frontPage) {
    this.serverUrl = serverUrl;
    this.uri = uri;
    this.trust = trust;
    this.tunnels = tunnels;
    this.json = json;
    this.frontPage = frontPage;
  }

  /** The refusal of a call the server answered with {@code response}, a status of 400 or more. */
  ApiException refused(String path, AggregatedHttpResponse response) {
    int status = response.status().code();
    if (status == 404 && !isProblem(response)) {
      return new ApiException(status, notTheWebApp(path, response));
    }
    return new ApiException(status, problemDetail(response));
  }

  private static boolean isProblem(AggregatedHttpResponse response) {
    MediaType type = response.contentType();
    return type != null && type.subtype().contains("problem");
  }

  /**
   * A 404 that is not the API's own (those are problem documents): the address is not the server's
   * web URL. The polling listener says what it is on its front page, so look there.
   */
  private String notTheWebApp(String path, AggregatedHttpResponse response) {
    String page;
    try {
      page = frontPage.get();
    } catch (RuntimeException e) {
      page = "";
    }
    if (page.contains(POLLING_LISTENER_PAGE)) {
      return serverUrl
          + " is a Cuttle server's polling address, where tentacles connect, not its web URL: "
          + webUrlHint();
    }
    if (page.contains(WEB_APP_PAGE)) {
      return "the Cuttle server at "
          + serverUrl
          + " does not know "
          + path
          + " ("
          + response.status()
          + "): it may run an older version than this command line";
    }
    return serverUrl
        + " answered "
        + response.status()
        + " for "
        + path
        + ": it is not a Cuttle server's web URL (or a proxy in front of it does not pass /api/"
        + " on); use the URL 'cuttle server' prints at start";
  }

  private String webUrlHint() {
    String host = uri.getHost();
    if (host.toLowerCase(java.util.Locale.ROOT).startsWith("polling.")) {
      String web = host.substring("polling.".length());
      return "use https://"
          + web
          + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
          + " (the same address without 'polling.')";
    }
    return "this is likely the legacy polling port; use the server's public port instead, as in"
        + " the web URL 'cuttle server' prints at start (https://"
        + host
        + " on port 443 unless it was set otherwise)";
  }

  private String problemDetail(AggregatedHttpResponse response) {
    try {
      Problem problem = json.readValue(response.contentUtf8(), Problem.class);
      if (problem.detail() != null) {
        return problem.detail();
      }
    } catch (java.io.IOException e) {
      // Not a problem document: fall through to the status line.
    }
    return "the server answered " + response.status();
  }

  ApiException unreachable(Throwable cause) {
    Throwable root =
        cause instanceof UnprocessedRequestException && cause.getCause() != null
            ? cause.getCause()
            : cause;
    var refusal = tunnels.explain(root, uri.getHost(), uri.getPort() == -1 ? 443 : uri.getPort());
    if (refusal.isPresent()) {
      return new ApiException(refusal.get(), cause);
    }
    var plain = ReachFailures.explain(root, uri);
    if (plain.isPresent()) {
      return new ApiException(
          "could not reach the server at " + serverUrl + ": " + plain.get(), cause);
    }
    for (Throwable t = root; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return new ApiException(trust.explainRefusal(serverUrl), cause);
      }
    }
    return new ApiException(
        "could not reach the server at "
            + serverUrl
            + ": "
            + root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : " (" + root.getMessage() + ")"),
        cause);
  }
}
