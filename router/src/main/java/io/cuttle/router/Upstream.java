package io.cuttle.router;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a route's connections go.
 *
 * @param address the endpoint to dial
 * @param proxyProtocol whether to send a PROXY protocol v2 header first, carrying the client's real
 *     address and the SNI, so the upstream can tell who connected and through which name
 */
public record Upstream(InetSocketAddress address, boolean proxyProtocol) {
  public Upstream {
    Objects.requireNonNull(address, "address");
  }
}
