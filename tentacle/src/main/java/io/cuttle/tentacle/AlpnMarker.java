package io.cuttle.tentacle;

import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.common.util.TlsEngineType;
import java.security.Provider;

/**
 * Makes the polling client offer {@code cuttle-polling} by ALPN beside Armeria's {@code h2}, so a
 * router can send a tentacle to the polling listener even when it shares one host name with the web
 * app. Servers do not know the marker and still select {@code h2}.
 *
 * <p>Armeria sets the ALPN list after every TLS customisation and has no public option for extra
 * protocols, so the marker is added one level down: the client's JDK {@code SSLContext} comes from
 * a provider of ours whose engines append the marker whenever Netty sets application protocols. Why
 * this hook and not another: docs/decisions/0004-tentacle-alpn-marker.md.
 */
final class AlpnMarker {
  /** Must equal the router's {@code RouterConfig.POLLING_ALPN}; the dist tests prove they agree. */
  static final String POLLING = "cuttle-polling";

  private static final Provider PROVIDER = new MarkingProvider(POLLING);

  private AlpnMarker() {}

  /**
   * {@code builder}, set to offer the polling marker. It forces the JDK TLS engine: BoringSSL,
   * Armeria's default, negotiates ALPN natively, and Netty refuses a JDK provider with it.
   */
  static ClientFactoryBuilder offerPolling(ClientFactoryBuilder builder) {
    return builder
        .tlsEngineType(TlsEngineType.JDK)
        .tlsCustomizer(tls -> tls.sslContextProvider(PROVIDER));
  }

  /** A provider with one service, "SSLContext.TLS", the only one Netty asks it for. */
  private static final class MarkingProvider extends Provider {
    private static final long serialVersionUID = 1L;

    MarkingProvider(String marker) {
      super("CuttleAlpnMarker", "1", "TLS contexts whose client engines also offer " + marker);
      putService(
          new Service(this, "SSLContext", "TLS", MarkingSslContext.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
              return new MarkingSslContext(marker);
            }
          });
    }
  }
}
