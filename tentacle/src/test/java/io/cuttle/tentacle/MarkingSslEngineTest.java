package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class MarkingSslEngineTest {

  private static SSLEngine engine() throws Exception {
    return new MarkingSslEngine(SSLContext.getDefault().createSSLEngine(), "cuttle-polling");
  }

  private static String[] afterSetting(SSLEngine engine, String... protocols) {
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setApplicationProtocols(protocols);
    engine.setSSLParameters(parameters);
    return engine.getSSLParameters().getApplicationProtocols();
  }

  @Test
  void appendsTheMarkerOnceAfterTheProtocolsItIsGiven() throws Exception {
    SSLEngine engine = engine();

    assertThat(afterSetting(engine, "h2", "http/1.1"))
        .containsExactly("h2", "http/1.1", "cuttle-polling");
    assertThat(afterSetting(engine, engine.getSSLParameters().getApplicationProtocols()))
        .as("setting what it reports does not add a second marker")
        .containsExactly("h2", "http/1.1", "cuttle-polling");
  }

  @Test
  void offersNothingWhenItIsGivenNoProtocols() throws Exception {
    assertThat(afterSetting(engine())).isEmpty();
  }
}
