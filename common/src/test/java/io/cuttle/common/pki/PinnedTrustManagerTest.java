package io.cuttle.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A server rotating its certificate is pinned twice: its current and its next certificate. */
class PinnedTrustManagerTest {
  private final Identity current = SelfSignedCertificates.create("current", List.of("localhost"));
  private final Identity next = SelfSignedCertificates.create("next", List.of("localhost"));
  private final Identity stranger = SelfSignedCertificates.create("stranger", List.of("localhost"));
  private final List<Thumbprint> matched = new ArrayList<>();
  private final List<Thumbprint> mismatched = new ArrayList<>();
  private final PinnedTrustManager trust =
      new PinnedTrustManager(
          Set.of(current.thumbprint(), next.thumbprint()),
          (presented, pinned) -> mismatched.add(presented),
          matched::add);

  @Test
  void trustsEitherPinAndSaysWhichWasPresented() throws Exception {
    trust.checkServerTrusted(chain(current), "ECDHE_ECDSA");
    trust.checkServerTrusted(chain(next), "ECDHE_ECDSA");

    assertThat(matched).containsExactly(current.thumbprint(), next.thumbprint());
    assertThat(mismatched).isEmpty();
  }

  @Test
  void refusesAnyOtherKeyNamingBothPins() {
    assertThatThrownBy(() -> trust.checkServerTrusted(chain(stranger), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("presented certificate thumbprint " + stranger.thumbprint())
        .hasMessageContaining(current.thumbprint().toString())
        .hasMessageContaining(next.thumbprint().toString());

    assertThat(mismatched).containsExactly(stranger.thumbprint());
    assertThat(matched).isEmpty();
  }

  @Test
  void aSinglePinTrustsNothingElse() throws Exception {
    PinnedTrustManager single =
        new PinnedTrustManager(Set.of(current.thumbprint()), (presented, pinned) -> {});

    single.checkServerTrusted(chain(current), "ECDHE_ECDSA");
    assertThatThrownBy(() -> single.checkServerTrusted(chain(next), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  private static X509Certificate[] chain(Identity identity) {
    return new X509Certificate[] {identity.certificate()};
  }
}
