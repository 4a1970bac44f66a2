package io.cuttle.client.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.proxy.ConnectProxyConfig;
import com.linecorp.armeria.client.proxy.ProxyType;
import com.linecorp.armeria.common.SessionProtocol;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyPolicyTest {
  private static final String PROXY = "http://proxy.corp:3128";

  private static ProxyPolicy env(String... pairs) {
    java.util.Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return ProxyPolicy.fromEnvironment(map);
  }

  @Test
  void withoutHttpsProxyEverythingGoesDirect() {
    assertThat(env().proxyFor("deploy.example.com")).isEmpty();
    assertThat(env("HTTPS_PROXY", "").proxyFor("deploy.example.com")).isEmpty();
    // http_proxy is for plain HTTP; we only speak TLS.
    assertThat(env("http_proxy", PROXY).proxyFor("deploy.example.com")).isEmpty();
  }

  @Test
  void httpsProxyInEitherCaseWithLowerCaseWinning() {
    assertThat(env("HTTPS_PROXY", PROXY).proxyFor("deploy.example.com"))
        .hasValueSatisfying(p -> assertThat(p.url()).isEqualTo(PROXY));
    assertThat(env("https_proxy", PROXY, "HTTPS_PROXY", "http://other:1").proxyFor("a.example"))
        .hasValueSatisfying(p -> assertThat(p.url()).isEqualTo(PROXY));
  }

  @Test
  void noProxyNamesSuffixesAddressesAndStar() {
    ProxyPolicy policy =
        env(
            "HTTPS_PROXY",
            PROXY,
            "NO_PROXY",
            " internal.corp, .example.com,*.lan,10.0.0.0/8, 192.168.1.7 ,intranet:8443");

    assertThat(policy.proxyFor("internal.corp")).isEmpty();
    assertThat(policy.proxyFor("build.internal.corp")).isEmpty();
    assertThat(policy.proxyFor("notinternal.corp")).isPresent();
    assertThat(policy.proxyFor("example.com")).isEmpty();
    assertThat(policy.proxyFor("deploy.example.com")).isEmpty();
    assertThat(policy.proxyFor("DEPLOY.Example.COM.")).isEmpty();
    assertThat(policy.proxyFor("printer.lan")).isEmpty();
    assertThat(policy.proxyFor("10.20.30.40")).isEmpty();
    assertThat(policy.proxyFor("11.0.0.1")).isPresent();
    assertThat(policy.proxyFor("192.168.1.7")).isEmpty();
    assertThat(policy.proxyFor("192.168.1.8")).isPresent();
    assertThat(policy.proxyFor("intranet")).isEmpty();
    assertThat(policy.proxyFor("deploy.example.org")).isPresent();

    assertThat(env("HTTPS_PROXY", PROXY, "no_proxy", "*").proxyFor("anything.at.all")).isEmpty();
    assertThat(env("HTTPS_PROXY", PROXY, "no_proxy", "a.corp", "NO_PROXY", "*").proxyFor("b.corp"))
        .as("lower-case no_proxy wins over NO_PROXY")
        .isPresent();
  }

  @Test
  void loopbackIsNeverProxiedFromTheEnvironmentButIsWhenSetOnPurpose() {
    ProxyPolicy fromEnv = env("HTTPS_PROXY", PROXY);
    for (String host :
        new String[] {"localhost", "polling.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"}) {
      assertThat(fromEnv.proxyFor(host)).as(host).isEmpty();
    }
    ProxyPolicy explicit = ProxyPolicy.through(ProxyAddress.parse("--proxy", PROXY));
    assertThat(explicit.proxyFor("polling.localhost")).isPresent();
    assertThat(ProxyPolicy.direct().proxyFor("deploy.example.com")).isEmpty();
  }

  @Test
  void aMalformedHttpsProxyIsAnErrorNamingTheVariable() {
    assertThatThrownBy(() -> env("https_proxy", "socks5://proxy:1080"))
        .hasMessage("https_proxy: 'socks5://proxy:1080' (expected: http://host:port)");
  }

  @Test
  void describesTheRouteWithoutThePassword() {
    ProxyPolicy policy = env("HTTPS_PROXY", "http://u:hunter2@proxy.corp:3128");
    assertThat(policy.describe("deploy.example.com"))
        .isEqualTo("through proxy http://proxy.corp:3128 as user 'u' (from HTTPS_PROXY)");
    assertThat(policy.describe("localhost")).startsWith("directly");
    assertThat(policy.toString()).doesNotContain("hunter2");
  }

  @Test
  void armeriaIsToldToTunnelOrNotPerHost() {
    var selector =
        ProxySelectors.of(env("HTTPS_PROXY", "http://u:p@proxy.corp:3128", "NO_PROXY", ".lan"));

    var tunnel = selector.select(SessionProtocol.HTTPS, Endpoint.of("deploy.example.com", 443));
    assertThat(tunnel.proxyType()).isEqualTo(ProxyType.CONNECT);
    ConnectProxyConfig connect = (ConnectProxyConfig) tunnel;
    assertThat(connect.proxyAddress().getHostString()).isEqualTo("proxy.corp");
    assertThat(connect.proxyAddress().getPort()).isEqualTo(3128);
    assertThat(connect.username()).isEqualTo("u");
    assertThat(connect.password()).isEqualTo("p");
    assertThat(connect.useTls()).isFalse();
    assertThat(selector.select(SessionProtocol.HTTPS, Endpoint.of("box.lan", 443)).proxyType())
        .isEqualTo(ProxyType.DIRECT);
    assertThat(selector.select(SessionProtocol.HTTPS, Endpoint.of("localhost", 8443)).proxyType())
        .isEqualTo(ProxyType.DIRECT);
  }

  @Test
  void environmentIsOnlyReadFromTheGivenMap() {
    assertThat(ProxyPolicy.fromEnvironment(Map.of()).proxyFor("deploy.example.com")).isEmpty();
  }
}
