package io.cuttle.tentacle;

import io.cuttle.client.ApiClient;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.api.ServerInfo;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The polling addresses a server advertises ({@code GET /api/server}): its polling name on the
 * public port and its legacy port. A tentacle may poll another address that also works (the web
 * name, whose connections the router sends to the polling listener by the tentacle's ALPN marker);
 * the check says so, and when such an address does not work, names the ones that should.
 */
record AdvertisedAddresses(String pollingUrl, String legacyUrl, int legacyPort) {

  /** What {@code server} advertises, or empty when its API cannot be asked (the check goes on). */
  static Optional<AdvertisedAddresses> of(ServerLink server, ProxyPolicy proxies) {
    try (ApiClient api =
        ApiClient.connect(
            server.serverUrl(), null, Thumbprint.parse(server.serverThumbprint()), proxies)) {
      ServerInfo info = api.serverInfo();
      String legacyHost = URI.create(info.webUrl()).getHost();
      return Optional.of(
          new AdvertisedAddresses(
              info.pollingUrl(),
              "https://" + legacyHost + ":" + info.legacyPollingPort(),
              info.legacyPollingPort()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  boolean includes(String url) {
    return sameAddress(url, pollingUrl) || sameAddress(url, legacyUrl);
  }

  /** The options of {@code cuttle tentacle register} that choose an advertised address. */
  String registerOptions() {
    return "--comms-address " + pollingUrl + " (or --comms-port " + legacyPort + ")";
  }

  @Override
  public String toString() {
    return pollingUrl + " (polling name) or " + legacyUrl + " (legacy port)";
  }

  private static boolean sameAddress(String a, String b) {
    URI x = URI.create(a);
    URI y = URI.create(b);
    return x.getHost().toLowerCase(Locale.ROOT).equals(y.getHost().toLowerCase(Locale.ROOT))
        && port(x) == port(y);
  }

  private static int port(URI url) {
    return url.getPort() < 0 ? 443 : url.getPort();
  }
}
