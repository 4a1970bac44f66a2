package io.cuttle.client.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ProxyRefusalTest {
  private static final ProxyAddress PROXY = ProxyAddress.parse("--proxy", "http://proxy.corp:3128");
  private static final String TARGET = "polling.deploy.example.com:443";

  private static HttpProxyConnectException answered(String status) {
    // The message as Netty writes it.
    return new HttpProxyConnectException(
        "http, none, proxy.corp/10.0.0.1:3128 => " + TARGET + ", status: " + status,
        EmptyHttpHeaders.INSTANCE);
  }

  @Test
  void aProxyWantingAnAccountSaysToAskForOne() {
    assertThat(ProxyRefusal.explain(answered("407 Proxy Authentication Required"), PROXY, TARGET))
        .hasValue(
            "The proxy http://proxy.corp:3128 answered 407 Proxy Authentication Required to a"
                + " tunnel to polling.deploy.example.com:443: it wants a user name and password;"
                + " ask the proxy admin for an account and set it with --proxy-user and"
                + " --proxy-password");
  }

  @Test
  void rejectedCredentialsNameTheAccountButNotThePassword() {
    ProxyAddress withAccount = PROXY.withCredentials("deploy", "hunter2");
    assertThat(
            ProxyRefusal.explain(
                answered("407 Proxy Authentication Required"), withAccount, TARGET))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("ask the proxy admin to check the account 'deploy'")
                    .doesNotContain("hunter2"));
  }

  @Test
  void aForbiddenTunnelSaysWhatToAllow() {
    assertThat(ProxyRefusal.explain(new RuntimeException(answered("403 Forbidden")), PROXY, TARGET))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("answered 403 Forbidden")
                    .contains("ask the proxy admin to allow CONNECT to " + TARGET));
  }

  @Test
  void otherAnswersTimeoutsAndAnUnreachableProxyAreExplainedToo() {
    assertThat(ProxyRefusal.explain(answered("502 Bad Gateway"), PROXY, TARGET))
        .hasValueSatisfying(m -> assertThat(m).contains("whether the proxy can reach " + TARGET));
    assertThat(
            ProxyRefusal.explain(new ProxyConnectException("http, none, timeout"), PROXY, TARGET))
        .hasValueSatisfying(m -> assertThat(m).contains("did not open a tunnel"));
    assertThat(ProxyRefusal.explain(new ConnectException("Connection refused"), PROXY, TARGET))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("Cannot reach the proxy http://proxy.corp:3128"));
    assertThat(ProxyRefusal.explain(new IllegalStateException("other"), PROXY, TARGET)).isEmpty();
  }
}
