package io.cuttle.server.identity;

import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.common.TlsProvider;
import io.cuttle.common.pki.Identity;

/**
 * Gives each new TLS connection the server's current key pair. Armeria asks for it per handshake,
 * so an activated certificate is presented from the next connection on, while connections already
 * open keep theirs and the calls on them run to their end.
 */
public final class SwitchingTlsProvider implements TlsProvider {
  private final ServerIdentities identities;
  private volatile Presented presented;

  private record Presented(Identity identity, TlsKeyPair keyPair) {}

  public SwitchingTlsProvider(ServerIdentities identities) {
    this.identities = identities;
  }

  @Override
  public TlsKeyPair keyPair(String hostname) {
    Identity current = identities.current();
    Presented last = presented;
    if (last == null || last.identity() != current) {
      // Built once per identity: Armeria caches its TLS context by key pair.
      last = new Presented(current, TlsKeyPair.of(current.privateKey(), current.certificate()));
      presented = last;
    }
    return last.keyPair();
  }

  /** Shared by the web and polling listeners: closing one must not end it for the other. */
  @Override
  public boolean autoClose() {
    return false;
  }
}
