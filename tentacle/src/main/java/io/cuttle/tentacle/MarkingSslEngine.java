package io.cuttle.tentacle;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A JDK engine that appends one protocol to whatever ALPN list it is given. Netty (and any JDK TLS
 * user) can only set application protocols through {@link #setSSLParameters}, so that is the one
 * method that differs; everything else is the JDK engine's.
 */
final class MarkingSslEngine extends SSLEngine {
  private final SSLEngine jdk;
  private final String marker;

  MarkingSslEngine(SSLEngine jdk, String marker) {
    super(jdk.getPeerHost(), jdk.getPeerPort());
    this.jdk = jdk;
    this.marker = marker;
  }

  /**
   * Appends the marker last, so {@code h2} stays the client's first choice, and only when ALPN is
   * in use at all: a client that offers no protocols must not start offering one.
   */
  @Override
  public void setSSLParameters(SSLParameters parameters) {
    String[] offered = parameters.getApplicationProtocols();
    if (offered.length > 0 && !Arrays.asList(offered).contains(marker)) {
      String[] marked = Arrays.copyOf(offered, offered.length + 1);
      marked[offered.length] = marker;
      parameters.setApplicationProtocols(marked);
    }
    jdk.setSSLParameters(parameters);
  }

  @Override
  public SSLParameters getSSLParameters() {
    return jdk.getSSLParameters();
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer target)
      throws SSLException {
    return jdk.wrap(sources, offset, length, target);
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] targets, int offset, int length)
      throws SSLException {
    return jdk.unwrap(source, targets, offset, length);
  }

  @Override
  public Runnable getDelegatedTask() {
    return jdk.getDelegatedTask();
  }

  @Override
  public void closeInbound() throws SSLException {
    jdk.closeInbound();
  }

  @Override
  public boolean isInboundDone() {
    return jdk.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    jdk.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return jdk.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return jdk.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return jdk.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    jdk.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return jdk.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return jdk.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    jdk.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return jdk.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return jdk.getHandshakeSession();
  }

  @Override
  public void beginHandshake() throws SSLException {
    jdk.beginHandshake();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return jdk.getHandshakeStatus();
  }

  @Override
  public void setUseClientMode(boolean client) {
    jdk.setUseClientMode(client);
  }

  @Override
  public boolean getUseClientMode() {
    return jdk.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    jdk.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return jdk.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    jdk.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return jdk.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean enable) {
    jdk.setEnableSessionCreation(enable);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return jdk.getEnableSessionCreation();
  }

  @Override
  public String getApplicationProtocol() {
    return jdk.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return jdk.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(
      BiFunction<SSLEngine, List<String>, String> selector) {
    jdk.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return jdk.getHandshakeApplicationProtocolSelector();
  }

  @Override
  public String toString() {
    return jdk.toString();
  }
}
