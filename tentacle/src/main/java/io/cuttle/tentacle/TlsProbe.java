package io.cuttle.tentacle;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.Thumbprint;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client for diagnosis: it asks for the same server name and offers the same polling marker
 * as the tentacle, presents the tentacle's certificate and accepts whatever the server presents, so
 * the check can show the thumbprint and compare it with the pin itself, in words, instead of
 * failing the handshake with a trust error.
 */
final class TlsProbe {
  private static final char[] NO_PASSWORD = new char[0];
  private final Identity identity;
  private X509Certificate presented;

  TlsProbe(Identity identity) {
    this.identity = identity;
  }

  SSLSocket handshake(Socket tcp, String host, int port) throws IOException {
    SSLSocket tls;
    try {
      tls = (SSLSocket) context().getSocketFactory().createSocket(tcp, host, port, true);
    } catch (GeneralSecurityException e) {
      throw new SSLException("cannot set up TLS with this tentacle's key: " + e.getMessage(), e);
    }
    SSLParameters parameters = tls.getSSLParameters();
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      parameters.setServerNames(List.of(new SNIHostName(host)));
    }
    // The polling marker, as the tentacle offers it: a router routes by it (and by the name),
    // so the probe takes the tentacle's route. http/1.1 in place of the tentacle's h2 lets the
    // probe read the listener's page; no router routes by either.
    parameters.setApplicationProtocols(new String[] {"http/1.1", AlpnMarker.POLLING});
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    return tls;
  }

  X509Certificate presented() {
    return presented;
  }

  static Thumbprint presented(SSLSocket tls) {
    try {
      return Thumbprint.of((X509Certificate) tls.getSession().getPeerCertificates()[0]);
    } catch (SSLPeerUnverifiedException e) {
      throw new IllegalStateException("a completed handshake has a peer certificate", e);
    }
  }

  private SSLContext context() throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "tentacle",
        identity.privateKey(),
        NO_PASSWORD,
        new X509Certificate[] {identity.certificate()});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, NO_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), new TrustManager[] {new Capturing()}, null);
    return context;
  }

  /** Accepts any server certificate and remembers it: the pin is compared afterwards. */
  private final class Capturing implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      presented = chain[0];
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
