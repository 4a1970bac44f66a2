package io.cuttle.client;

import io.cuttle.common.net.LoopbackNames;
import io.cuttle.common.pki.Thumbprint;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a command-line client decides to trust a server's web certificate, strongest first:
 *
 * <ol>
 *   <li>a thumbprint the user passed ({@code --server-thumbprint}): only that key is accepted;
 *   <li>a server on this machine (a {@code .localhost} name or loopback IP): accepted, because the
 *       connection never leaves the host;
 *   <li>otherwise the JDK's trusted CAs, with host name checks, as a browser would.
 * </ol>
 *
 * The thumbprint the server presented is remembered either way, so a refusal can tell the user
 * exactly what to check and pass.
 */
public final class ServerTrust extends X509ExtendedTrustManager {
  private final Thumbprint pinned;
  private final boolean loopback;
  private final X509ExtendedTrustManager system;
  private final AtomicReference<Thumbprint> presented = new AtomicReference<>();

  private ServerTrust(Thumbprint pinned, boolean loopback) {
    this.pinned = pinned;
    this.loopback = loopback;
    this.system = systemTrustManager();
  }

  /** Trust for a server at {@code host}, pinned to {@code thumbprint} when it is not null. */
  public static ServerTrust forHost(String host, Thumbprint thumbprint) {
    return new ServerTrust(thumbprint, isLoopback(host));
  }

  private static boolean isLoopback(String host) {
    if (LoopbackNames.isLoopbackName(host)) {
      return true;
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.matches("[0-9.]+") || bare.contains(":")) {
      try {
        return InetAddress.getByName(bare).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** Words for a refused handshake: what was seen, and what the user can do about it. */
  public String explainRefusal(String serverUrl) {
    Thumbprint seen = presented.get();
    if (seen == null) {
      return "could not complete a TLS handshake with " + serverUrl;
    }
    if (pinned != null) {
      // After 'server-certificate activate' the start banner still shows the old thumbprint, so
      // pointing there sent people back to the value that had just stopped working.
      return "the server at "
          + serverUrl
          + " now presents certificate thumbprint "
          + seen
          + ", not "
          + pinned
          + " (--server-thumbprint): its certificate was rotated (cuttle server-certificate"
          + " activate), or this is not the server you meant. Confirm the current thumbprint with"
          + " 'cuttle server-certificate status' (on the server's own machine it needs no"
          + " thumbprint), then pass --server-thumbprint "
          + seen;
    }
    return "the server at "
        + serverUrl
        + " presented a certificate this machine does not trust (thumbprint "
        + seen
        + "); if that is the thumbprint the server printed at start, pass --server-thumbprint "
        + seen;
  }

  private void check(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    Thumbprint thumbprint = Thumbprint.of(chain[0]);
    presented.set(thumbprint);
    if (pinned != null) {
      if (!pinned.equals(thumbprint)) {
        throw new CertificateException(
            "server thumbprint " + thumbprint + " does not match the expected " + pinned);
      }
      return;
    }
    if (loopback) {
      return;
    }
    if (engine != null) {
      system.checkServerTrusted(chain, authType, engine);
    } else {
      system.checkServerTrusted(chain, authType);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, authType, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client does not accept client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return system.getAcceptedIssuers();
  }

  private static X509ExtendedTrustManager systemTrustManager() {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JDK's trusted certificates", e);
    }
  }
}
