package io.cuttle.tentacle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * The route step of {@code cuttle tentacle check}: did the name (and the tentacle's ALPN marker)
 * lead to the server's polling listener, or to the web app or something else? Asks for the page the
 * polling listener serves to a plain HTTP/1.1 request.
 */
final class ListenerRouteStep {
  static final String LISTENER_PAGE_MARK = "Cuttle polling listener";

  private ListenerRouteStep() {}

  /**
   * {@code advertised} is what the server advertises for polling when {@code host:port} is not one
   * of those addresses: the step says so when the address works anyway, and names them when not.
   */
  static CheckStep run(
      SSLSocket tls, String host, int port, Supplier<Optional<AdvertisedAddresses>> advertised) {
    String title = "Route to the polling listener";
    String page;
    try {
      tls.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      page =
          new String(
              tls.getInputStream().readNBytes(ConnectionCheck.MAX_PAGE_BYTES),
              StandardCharsets.UTF_8);
    } catch (IOException e) {
      return CheckStep.fail(
          title, e.toString(), "The connection broke after TLS: ask the proxy admin.");
    }
    Optional<AdvertisedAddresses> others = advertised.get();
    if (page.contains(LISTENER_PAGE_MARK)) {
      return CheckStep.pass(
          title,
          host
              + ":"
              + port
              + " leads to the polling listener"
              + others
                  .map(a -> "; it is not an address the server advertises (" + a + ")")
                  .orElse(""));
    }
    if (others.isPresent()) {
      return CheckStep.fail(
          title,
          host + ":" + port + " does not lead to the polling listener",
          "It is not an address the server advertises for polling ("
              + others.get()
              + "). Register this instance again with --force and "
              + others.get().registerOptions()
              + ".");
    }
    String reached =
        page.contains("<title>Cuttle</title>")
            ? "the Cuttle web app, not the polling listener"
            : "something that is not Cuttle's polling listener";
    return CheckStep.fail(
        title,
        host + ":" + port + " leads to " + reached,
        "The router or proxy in front of the server sends the name "
            + host
            + " elsewhere. Ask its admin to route "
            + host
            + " (by SNI) to the server's polling listener, as docs/reverse-proxy.md shows.");
  }
}
