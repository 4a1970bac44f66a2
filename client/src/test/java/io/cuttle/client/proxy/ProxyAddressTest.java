package io.cuttle.client.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProxyAddressTest {

  @Test
  void readsHostPortAndAnAccountInTheUrl() {
    ProxyAddress proxy =
        ProxyAddress.parse("--proxy", "http://deploy%40corp:p%3Ass@proxy.corp:3128/");

    assertThat(proxy.host()).isEqualTo("proxy.corp");
    assertThat(proxy.port()).isEqualTo(3128);
    assertThat(proxy.username()).isEqualTo("deploy@corp");
    assertThat(proxy.password()).isEqualTo("p:ss");
    assertThat(proxy.url()).isEqualTo("http://proxy.corp:3128");
  }

  @Test
  void neverShowsThePassword() {
    ProxyAddress proxy = ProxyAddress.parse("HTTPS_PROXY", "http://u:hunter2@proxy:8080");

    assertThat(proxy.toString())
        .isEqualTo("http://proxy:8080 as user 'u'")
        .doesNotContain("hunter2");
    assertThatThrownBy(() -> ProxyAddress.parse("HTTPS_PROXY", "ftp://u:hunter2@proxy:8080"))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("ftp://u:****@proxy:8080");
  }

  @Test
  void namesTheInputAndWhatWasExpected() {
    assertThatThrownBy(() -> ProxyAddress.parse("--proxy", "ftp://x"))
        .hasMessage("--proxy: 'ftp://x' (expected: http://host:port)");
    assertThatThrownBy(() -> ProxyAddress.parse("--proxy", "http://proxy.corp"))
        .hasMessage(
            "--proxy: 'http://proxy.corp' (expected: http://host:port; the port is missing)");
    assertThatThrownBy(() -> ProxyAddress.parse("HTTPS_PROXY", "proxy.corp:3128"))
        .hasMessageStartingWith("HTTPS_PROXY: 'proxy.corp:3128' (expected: http://host:port");
    assertThatThrownBy(() -> ProxyAddress.parse("--proxy", "https://proxy.corp:3128"))
        .hasMessageContaining("a proxy reached over TLS is not supported");
    assertThatThrownBy(() -> ProxyAddress.parse("--proxy", "http://proxy.corp:3128/path"))
        .hasMessageContaining("a proxy URL has no path");
    assertThatThrownBy(() -> ProxyAddress.parse("--proxy", " "))
        .hasMessage("--proxy: ' ' (expected: http://host:port)");
  }

  @Test
  void aPasswordNeedsAUser() {
    ProxyAddress proxy = ProxyAddress.parse("--proxy", "http://proxy:3128");
    assertThatThrownBy(() -> proxy.withCredentials(null, "p"))
        .hasMessageContaining("needs a proxy user name");
    assertThat(proxy.withCredentials("u", "p").hasCredentials()).isTrue();
    assertThat(proxy.withCredentials("u", "p").withoutCredentials()).isEqualTo(proxy);
  }
}
