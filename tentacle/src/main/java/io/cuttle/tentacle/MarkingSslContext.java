package io.cuttle.tentacle;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK's own TLS context, except that its engines offer an extra ALPN protocol. Keys, trust (the
 * pinned thumbprint), sessions and the handshake all stay the JDK's.
 */
final class MarkingSslContext extends SSLContextSpi {
  private final String marker;
  private final SSLContext jdk;

  MarkingSslContext(String marker) {
    this.marker = marker;
    try {
      this.jdk = SSLContext.getInstance("TLS");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
  }

  @Override
  protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
      throws KeyManagementException {
    jdk.init(keys, trust, random);
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return new MarkingSslEngine(jdk.createSSLEngine(), marker);
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return new MarkingSslEngine(jdk.createSSLEngine(host, port), marker);
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return jdk.getSocketFactory();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return jdk.getServerSocketFactory();
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return jdk.getServerSessionContext();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return jdk.getClientSessionContext();
  }

  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return jdk.getDefaultSSLParameters();
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return jdk.getSupportedSSLParameters();
  }
}
