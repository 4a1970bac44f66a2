package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ExternalProcess;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every listener offers TLS 1.2 or newer only, with forward-secret AEAD cipher suites, as seen by
 * sslscan (Debian's package), an outside scanner that tries every protocol and suite it knows. The
 * routed polling port is reached through the public port (SNI polling.localhost), the only way in;
 * a standalone router passes TLS through untouched, so what it offers is its backend's.
 */
@Timeout(300)
class TlsScanTest {

  record Scan(List<String> enabledProtocols, List<String> acceptedCiphers) {}

  @Test
  void everyListenerOffersOnlyTls12OrNewerWithModernCipherSuites(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int publicPort = fleet.server.publicPort();
      int legacyPort = fleet.server.legacyPollingPort();

      Scan web = scan("localhost", publicPort);
      Scan routedPolling = scan("polling.localhost", publicPort);
      Scan legacyPolling = scan("localhost", legacyPort);

      for (Scan scan : List.of(web, routedPolling, legacyPolling)) {
        assertThat(scan.enabledProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        assertThat(scan.acceptedCiphers()).isNotEmpty().allSatisfy(TlsScanTest::isModern);
      }
      assertThat(fleet.server.publicPortStats().routed("polling")).isPositive();
    }
  }

  /**
   * Modern: the key exchange is forward secret (ECDHE, or TLS 1.3, where every suite is) and the
   * cipher is authenticated encryption (GCM or ChaCha20-Poly1305) of 128 bits or more.
   */
  private static void isModern(String cipher) {
    boolean tls13 = cipher.startsWith("TLS_");
    boolean forwardSecret = tls13 || cipher.startsWith("ECDHE-");
    boolean aead = cipher.contains("GCM") || cipher.contains("CHACHA20-POLY1305") || tls13;
    assertThat(forwardSecret && aead).as("weak cipher suite offered: " + cipher).isTrue();
    assertThat(cipher).doesNotContain("RC4", "DES", "NULL", "EXP", "anon", "MD5", "CCM_8");
  }

  private static Scan scan(String sniName, int port) throws Exception {
    Process process =
        new ProcessBuilder(
                ExternalProcess.require("sslscan", "sslscan").toString(),
                "--no-colour",
                "--no-heartbleed",
                "--no-groups",
                "--xml=-",
                "--sni-name=" + sniName,
                "127.0.0.1:" + port)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("sslscan finished").isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    int start = text.indexOf("<?xml");
    assertThat(start).as("sslscan wrote XML:\n" + text).isNotNegative();
    Document xml =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(
                new ByteArrayInputStream(text.substring(start).getBytes(StandardCharsets.UTF_8)));
    assertThat(xml.getElementsByTagName("error").getLength()).as(text).isZero();
    List<String> protocols = new ArrayList<>();
    NodeList protocolNodes = xml.getElementsByTagName("protocol");
    for (int i = 0; i < protocolNodes.getLength(); i++) {
      Element protocol = (Element) protocolNodes.item(i);
      if ("1".equals(protocol.getAttribute("enabled"))) {
        String type = protocol.getAttribute("type").equals("ssl") ? "SSLv" : "TLSv";
        protocols.add(type + protocol.getAttribute("version"));
      }
    }
    assertThat(protocolNodes.getLength())
        .as("sslscan checked the protocols:\n" + text)
        .isPositive();
    List<String> ciphers = new ArrayList<>();
    NodeList cipherNodes = xml.getElementsByTagName("cipher");
    for (int i = 0; i < cipherNodes.getLength(); i++) {
      Element cipher = (Element) cipherNodes.item(i);
      if (!cipher.getAttribute("status").isEmpty()) {
        ciphers.add(cipher.getAttribute("cipher"));
      }
    }
    return new Scan(protocols, ciphers);
  }
}
