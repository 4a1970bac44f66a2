package io.cuttle.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.router.RouteTable;
import io.cuttle.router.RouterConfig;
import io.cuttle.router.Upstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterFileParserTest {
  private static final String FULL =
      """
      listen:
        - 127.0.0.1:8443
        - "[::1]:8443"
      admin: 127.0.0.1:9901
      clientHello:
        maxBytes: 32768
        timeout: 5s
      upstreamConnectTimeout: 2s
      idleTimeout: 1h
      limits:
        maxConnections: 500
        perSource: { rate: 10, burst: 20 }
      drainTimeout: 45s
      upstreams:
        polling:
          endpoints: [127.0.0.1:10943, 127.0.0.2:10943]
          balance: least-connections
          proxyProtocol: true
          healthCheck: { interval: 5s, timeout: 500ms }
          ejection: { failures: 2, time: 1m }
        web:
          endpoints: 127.0.0.1:8444
      routes:
        - name: polling
          sni: [polling.example.com, "*.polling.example.com"]
          alpn: cuttle-polling
          polling: true
          upstream: polling
        - name: web
          default: true
          upstream: web
      """;

  @Test
  void reusePortLetsOtherRouterProcessesShareTheListeners() throws Exception {
    RouterFile file = RouterFileParser.parse("router.yaml", FULL + "reusePort: true\n");

    assertThat(file.router().reusePort()).isTrue();
  }

  @Test
  void readsEverySetting() throws Exception {
    RouterFile file = RouterFileParser.parse("router.yaml", FULL);
    RouterConfig config = file.router();

    assertThat(config.listeners())
        .containsExactly(
            new InetSocketAddress("127.0.0.1", 8443), new InetSocketAddress("::1", 8443));
    assertThat(config.reusePort()).isFalse();
    assertThat(file.admin()).contains(new InetSocketAddress("127.0.0.1", 9901));
    assertThat(file.drainTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.maxClientHelloBytes()).isEqualTo(32768);
    assertThat(config.clientHelloTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.upstreamConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(config.maxConnections()).isEqualTo(500);
    assertThat(config.perSourceRate()).isEqualTo(10);
    assertThat(config.perSourceBurst()).isEqualTo(20);

    RouteTable routes = config.routes();
    var polling = routes.forServerName("polling.example.com").orElseThrow();
    assertThat(routes.forServerName("eu.polling.example.com")).contains(polling);
    assertThat(routes.forClientHello("web.example.com", List.of("cuttle-polling")))
        .contains(polling);
    assertThat(routes.forServerName("anything.else").orElseThrow().name()).isEqualTo("web");
    assertThat(routes.forUnparseable()).as("fail closed unless asked").isEmpty();
    assertThat(polling.idleTimeout()).isEqualTo(RouterConfig.POLLING_IDLE_TIMEOUT);

    Upstream upstream = polling.upstream();
    assertThat(upstream.endpoints()).hasSize(2);
    assertThat(upstream.balance()).isEqualTo(Upstream.Balance.LEAST_CONNECTIONS);
    assertThat(upstream.proxyProtocol()).isTrue();
    assertThat(upstream.healthCheckInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(upstream.healthCheckTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(upstream.ejectAfterFailures()).isEqualTo(2);
    assertThat(upstream.ejectionTime()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aMinimalFileTakesTheDefaults() throws Exception {
    RouterFile file =
        RouterFileParser.parse(
            "router.yaml",
            """
            listen: 127.0.0.1:0
            upstreams: { web: { endpoints: [127.0.0.1:8443] } }
            routes: [ { name: web, default: true, upstream: web } ]
            """);

    assertThat(file.admin()).isEmpty();
    assertThat(file.drainTimeout()).isEqualTo(RouterFile.DEFAULT_DRAIN_TIMEOUT);
    assertThat(file.router().maxClientHelloBytes())
        .isEqualTo(RouterConfig.DEFAULT_MAX_CLIENT_HELLO_BYTES);
    assertThat(file.router().perSourceRate()).isEqualTo(RouterConfig.DEFAULT_PER_SOURCE_RATE);
  }

  @Test
  void errorsNameTheFileTheLineAndTheSetting() {
    assertProblem(
        FULL.replace("upstream: web", "upstream: wbe"),
        "router.yaml:31: routes[1].upstream: 'wbe' is not defined (defined: polling, web)");
    assertProblem(
        FULL.replace("balance: least-connections", "balance: random"),
        "router.yaml:17: upstreams.polling.balance: 'random' (expected: round-robin or"
            + " least-connections)");
    assertProblem(
        FULL.replace("timeout: 5s", "timeout: 5 seconds"),
        "router.yaml:7: clientHello.timeout: '5 seconds' (expected: a duration such as 500ms,"
            + " 10s, 5m or 1h)");
    assertProblem(
        FULL.replace("drainTimeout", "drainTimout"),
        "router.yaml:13: drainTimout: unknown setting (expected one of: admin, clientHello,");
    assertProblem(
        FULL.replace("127.0.0.2:10943", "127.0.0.2"),
        "router.yaml:16: upstreams.polling.endpoints[1]: '127.0.0.2' (expected: HOST:PORT");
    assertProblem(
        FULL.replace("maxConnections: 500", "maxConnections: 0"),
        "router.yaml:11: limits.maxConnections: 0 (expected: 1 to 2147483647)");
    assertProblem(
        FULL.replace("  - 127.0.0.1:8443\n", "  - 127.0.0.1:8443\n  - [oops\n"),
        "router.yaml:4: not valid YAML:");
  }

  @Test
  void refusesRoutingThatWouldFailOpen() {
    assertProblem(
        FULL.replace("polling: true\n", "polling: true\n    unparseable: true\n"),
        "routes[0].unparseable: a polling route cannot take input that is not TLS");
    assertProblem(
        FULL.replace("- name: web\n    default: true\n", "- name: web\n"),
        "routes[1]: route 'web' matches nothing");
    assertProblem(
        FULL.replace("alpn: cuttle-polling", "alpn: cuttle-polling\n    default: true")
            .replace("default: true\n    upstream: web", "default: true\n    upstream: web"),
        "a second default route");
  }

  @Test
  void anEmptyFileSaysWhatItNeeds() {
    assertProblem("", "router.yaml: empty (expected: listen, upstreams and routes)");
    assertProblem("listen: 127.0.0.1:1\n", "top level: 'upstreams' is missing");
  }

  private static void assertProblem(String yaml, String expected) {
    assertThatThrownBy(() -> RouterFileParser.parse("router.yaml", yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(expected);
  }
}
