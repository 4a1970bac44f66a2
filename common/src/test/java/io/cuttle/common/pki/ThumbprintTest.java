package io.cuttle.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbprintTest {

  @Test
  void matchesTheDigestOpensslComputesOverThePublicKey(@TempDir Path dir) throws Exception {
    Identity identity = SelfSignedCertificates.create("test", List.of("localhost"));
    PemFiles.write(dir, identity);

    Process process =
        new ProcessBuilder(
                "bash",
                "-c",
                "openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der"
                    + " | sha256sum | cut -d' ' -f1")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String fromOpenssl =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

    assertThat(identity.thumbprint().toString()).isEqualTo(fromOpenssl.toUpperCase());
  }

  @Test
  void parsesThePastedFormsAndRejectsOthersWithAReason() {
    Thumbprint thumbprint = SelfSignedCertificates.create("t", List.of()).thumbprint();
    String lowerWithColons = thumbprint.toString().toLowerCase().replaceAll("(..)(?!$)", "$1:");

    assertThat(Thumbprint.parse(lowerWithColons)).isEqualTo(thumbprint);
    assertThatThrownBy(() -> Thumbprint.parse("ABC"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ABC'")
        .hasMessageContaining("expected: 64 hex digits");
  }

  @Test
  void differsBetweenKeysAndSurvivesRoundTripThroughPem(@TempDir Path dir) throws Exception {
    Identity first = SelfSignedCertificates.create("a", List.of());
    Identity second = SelfSignedCertificates.create("a", List.of());
    PemFiles.write(dir, first);

    assertThat(first.thumbprint()).isNotEqualTo(second.thumbprint());
    assertThat(PemFiles.read(dir).thumbprint()).isEqualTo(first.thumbprint());
    assertThat(Files.readString(dir.resolve(PemFiles.KEY_FILE)))
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }
}
