package io.cuttle.common.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer only if its certificate's public key has one of the pinned thumbprints.
 *
 * <p>This replaces both chain validation and host name checks: tentacles reach servers under names
 * the self-signed certificate may not list (a router's public name, an IP), and the pin is a
 * stronger statement than either. A mismatch is reported to {@code onMismatch} with what was
 * presented and what was expected, so the caller can say so in words before the handshake fails.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final Set<Thumbprint> pinned;
  private final BiConsumer<Thumbprint, Set<Thumbprint>> onMismatch;
  private final Consumer<Thumbprint> onMatch;

  public PinnedTrustManager(
      Set<Thumbprint> pinned, BiConsumer<Thumbprint, Set<Thumbprint>> onMismatch) {
    this(pinned, onMismatch, presented -> {});
  }

  /**
   * A trust manager that also tells {@code onMatch} which of the pins a trusted peer presented,
   * e.g. so that a tentacle pinning a server's current and next certificates notices the switch.
   */
  public PinnedTrustManager(
      Set<Thumbprint> pinned,
      BiConsumer<Thumbprint, Set<Thumbprint>> onMismatch,
      Consumer<Thumbprint> onMatch) {
    this.onMatch = onMatch;
    if (pinned.isEmpty()) {
      throw new IllegalArgumentException("pinned: [] (expected: at least one thumbprint)");
    }
    this.pinned = Set.copyOf(pinned);
    this.onMismatch = onMismatch;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer presented no certificate");
    }
    Thumbprint presented = Thumbprint.of(chain[0]);
    if (!pinned.contains(presented)) {
      onMismatch.accept(presented, pinned);
      throw new CertificateException(
          "the peer presented certificate thumbprint "
              + presented
              + " but the pinned thumbprint is "
              + String.join(" or ", pinned.stream().map(Thumbprint::toString).sorted().toList()));
    }
    onMatch.accept(presented);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
