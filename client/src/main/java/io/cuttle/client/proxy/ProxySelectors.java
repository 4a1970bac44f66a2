package io.cuttle.client.proxy;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.proxy.ProxyConfig;
import com.linecorp.armeria.client.proxy.ProxyConfigSelector;
import com.linecorp.armeria.common.SessionProtocol;
import java.net.InetSocketAddress;

/**
 * Turns a {@link ProxyPolicy} into what an Armeria {@code ClientFactory} takes. Armeria then opens
 * an HTTP CONNECT tunnel (Netty's proxy handler) and runs our TLS inside it, so the client
 * certificate, the pinned server thumbprint and SNI all work as on a direct connection.
 */
public final class ProxySelectors {
  private ProxySelectors() {}

  public static ProxyConfigSelector of(ProxyPolicy policy) {
    return new ProxyConfigSelector() {
      @Override
      public ProxyConfig select(SessionProtocol protocol, Endpoint endpoint) {
        return policy
            .proxyFor(endpoint.host())
            .map(ProxySelectors::connect)
            .orElse(ProxyConfig.direct());
      }
    };
  }

  private static ProxyConfig connect(ProxyAddress proxy) {
    // Unresolved: the client factory's resolver resolves the proxy's name when it connects.
    InetSocketAddress address = InetSocketAddress.createUnresolved(proxy.host(), proxy.port());
    return proxy.hasCredentials()
        ? ProxyConfig.connect(
            address, proxy.username(), proxy.password() == null ? "" : proxy.password(), false)
        : ProxyConfig.connect(address, false);
  }
}
