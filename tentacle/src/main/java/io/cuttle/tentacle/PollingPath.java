package io.cuttle.tentacle;

import io.cuttle.client.proxy.ProxyAddress;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;

/**
 * The path steps of {@code cuttle tentacle check}, one after another as each needs the last: name
 * resolution, TCP, the proxy's tunnel, TLS, the server's identity and the route to the polling
 * listener. It stops at the first failure.
 */
final class PollingPath {
  private final ServerLink server;
  private final Identity identity;
  private final ProxyPolicy proxies;
  private final Supplier<Optional<AdvertisedAddresses>> advertised;
  private final String host;
  private final int port;
  private final List<CheckStep> steps = new ArrayList<>();

  private PollingPath(
      ServerLink server,
      Identity identity,
      ProxyPolicy proxies,
      Supplier<Optional<AdvertisedAddresses>> advertised) {
    this.server = server;
    this.identity = identity;
    this.proxies = proxies;
    this.advertised = advertised;
    URI url = URI.create(server.pollingUrl());
    this.host = url.getHost();
    this.port = url.getPort() < 0 ? 443 : url.getPort();
  }

  /**
   * The steps to {@code server.pollingUrl()} as the tentacle connects to it; every one passed when
   * the path is sound. {@code advertised} is what the server advertises for polling, when that is
   * not this address, for the advice of a step that fails.
   */
  static List<CheckStep> probe(
      ServerLink server,
      Identity identity,
      ProxyPolicy proxies,
      Supplier<Optional<AdvertisedAddresses>> advertised) {
    PollingPath path = new PollingPath(server, identity, proxies, advertised);
    path.run();
    return List.copyOf(path.steps);
  }

  private void run() {
    Optional<ProxyAddress> proxy = proxies.proxyFor(host);
    String firstHop = proxy.map(ProxyAddress::host).orElse(host);
    int firstPort = proxy.map(ProxyAddress::port).orElse(port);
    ReachSteps reach = new ReachSteps(server, steps);
    InetAddress address = reach.resolve(firstHop);
    if (address == null) {
      return;
    }
    Supplier<Optional<AdvertisedAddresses>> forRefusal =
        proxy.isPresent() ? Optional::empty : advertised;
    try (Socket tcp = reach.connect(address, firstHop, firstPort, proxy.isPresent(), forRefusal)) {
      if (tcp == null || (proxy.isPresent() && !tunnel(tcp, proxy.get()))) {
        return;
      }
      TlsSteps tls = new TlsSteps(server, identity, host, port, steps);
      SSLSocket session = tls.handshake(tcp);
      if (session == null || !tls.identityMatches(session)) {
        return;
      }
      steps.add(ListenerRouteStep.run(session, host, port, advertised));
    } catch (IOException closing) {
      // Nothing to report: every step has already said how it ended.
    }
  }

  private boolean tunnel(Socket tcp, ProxyAddress proxy) {
    CheckStep step = ProxyTunnelStep.open(tcp, proxy, host, port);
    steps.add(step);
    return step.passed();
  }
}
