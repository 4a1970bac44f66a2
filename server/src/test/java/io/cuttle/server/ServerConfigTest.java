package io.cuttle.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.common.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsAreWhatANewUserMeets() {
    ServerConfig config = ServerConfig.builder().build();

    assertThat(config.dataDirectory().toString()).isEqualTo("cuttle-data");
    assertThat(config.publicAddress().getPort()).isEqualTo(8443);
    assertThat(config.legacyPollingAddress().getPort()).isEqualTo(10943);
    assertThat(config.packageDirectory()).isEqualTo(Path.of("cuttle-data", "packages"));
    assertThat(config.maxPackageBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(config.maxCommandOutputBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(config.pollingHost()).isEqualTo("polling.localhost");
    assertThat(config.jdbcUrl()).isNull();
    assertThat(config.nodeHeartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.pollingIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.adminAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(config.adminAddress().getPort()).isEqualTo(9902);
  }

  @Test
  void theAdminPagesNeedAPortOfTheirOwn() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    assertThatThrownBy(
            () ->
                ServerConfig.builder()
                    .publicAddress(new InetSocketAddress(8443))
                    .adminAddress(new InetSocketAddress(loopback, 8443))
                    .build())
        .hasMessageContaining("adminAddress: ")
        .hasMessageContaining(
            "(expected: a port of its own; publicAddress 0.0.0.0/0.0.0.0:8443 uses port 8443");
    assertThatThrownBy(
            () ->
                ServerConfig.builder().adminAddress(new InetSocketAddress(loopback, 10943)).build())
        .hasMessageContaining("legacyPollingAddress");
    assertThatThrownBy(() -> ServerConfig.builder().adminAddress(null)).hasMessage("adminAddress");
    // Port 0 (tests) never collides, and another address may reuse a port number.
    ServerConfig.builder()
        .publicAddress(new InetSocketAddress(loopback, 0))
        .adminAddress(new InetSocketAddress(loopback, 0))
        .build();
    ServerConfig.builder()
        .publicAddress(new InetSocketAddress("127.0.0.2", 9902))
        .adminAddress(new InetSocketAddress(loopback, 9902))
        .build();
  }

  @Test
  void refusesValuesThatCannotWorkNamingThem() {
    assertThatThrownBy(() -> ServerConfig.builder().pollWait(Duration.ZERO))
        .hasMessage("pollWait: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().nodeHeartbeat(Duration.ofMillis(-1)))
        .hasMessage("nodeHeartbeat: PT-0.001S (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().pollingIdleTimeout(Duration.ZERO))
        .hasMessage("pollingIdleTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().maxPackageBytes(0))
        .hasMessage("maxPackageBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().maxCommandOutputBytes(-1))
        .hasMessage("maxCommandOutputBytes: -1 (expected: > 0)");
    assertThatThrownBy(() -> ServerConfig.builder().handshakeTimeout(Duration.ofNanos(999_999)))
        .hasMessage("handshakeTimeout: PT0.000999999S (expected: >= 1ms)");
    assertThatThrownBy(() -> ServerConfig.builder().publicHost("not a host"))
        .hasMessageContaining("publicHost: 'not a host'");
    assertThatThrownBy(() -> ServerConfig.builder().database("postgres://db", null, null))
        .hasMessageContaining("expected: a JDBC URL");
    assertThatThrownBy(
            () ->
                ServerConfig.builder()
                    .pollWait(Duration.ofMinutes(5))
                    .silenceTimeout(Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("silenceTimeout: PT1M (expected: > pollWait PT5M");
  }

  @Test
  void aNodeNameNeedsADatabaseEveryNodeShares() {
    ServerConfig node =
        ServerConfig.builder()
            .database("jdbc:postgresql://db:5432/cuttle", "cuttle", null)
            .nodeName("node-1")
            .build();
    assertThat(node.nodeName()).isEqualTo("node-1");
    assertThat(node.sharedDatabase()).isTrue();
    assertThat(ServerConfig.builder().build().sharedDatabase()).isFalse();

    assertThatThrownBy(() -> ServerConfig.builder().nodeName("node-1").build())
        .hasMessage(
            "nodeName: 'node-1' needs a database every node shares (expected: a"
                + " jdbc:postgresql:// URL; the embedded H2 database serves a single server)");
    assertThatThrownBy(
            () ->
                ServerConfig.builder()
                    .database("jdbc:h2:tcp://db/cuttle", null, null)
                    .nodeName("node-1")
                    .build())
        .hasMessageContaining("jdbc:h2:tcp://db/cuttle serves a single server");
    assertThatThrownBy(() -> ServerConfig.builder().nodeName("node 1"))
        .hasMessage(
            "nodeName: 'node 1' (expected: 1 to 63 letters, digits, '.', '_' or '-', such as"
                + " node-1)");
  }

  @Test
  void routedPollingPortComesWithTheProxiesItTrusts() {
    ServerConfig config =
        ServerConfig.builder()
            .routedPollingAddress(new InetSocketAddress(7443))
            .trustedProxies(List.of("10.0.0.0/8", "2001:db8::7", "::ffff:192.0.2.0/120"))
            .build();

    assertThat(config.routedPollingAddress().getPort()).isEqualTo(7443);
    assertThat(config.trustedProxies())
        .containsExactly(
            Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::7/128"), Cidr.parse("192.0.2.0/24"));
    assertThat(ServerConfig.builder().build().routedPollingAddress()).isNull();
    assertThat(ServerConfig.builder().build().trustedProxies()).isEmpty();
  }

  @Test
  void refusesATrustListThatCannotBeMeant() {
    assertThatThrownBy(() -> ServerConfig.builder().trustedProxies(List.of("10.0.0.0/33")))
        .hasMessage(
            "trustedProxies: '10.0.0.0/33' (expected: an address or CIDR such as 10.0.0.0/8)");
    assertThatThrownBy(() -> ServerConfig.builder().trustedProxies(List.of("router.internal")))
        .hasMessage(
            "trustedProxies: 'router.internal' (expected: an address or CIDR such as 10.0.0.0/8)");
    assertThatThrownBy(
            () -> ServerConfig.builder().routedPollingAddress(new InetSocketAddress(7443)).build())
        .hasMessageStartingWith("trustedProxies: [] (expected: at least one address or CIDR");
    assertThatThrownBy(() -> ServerConfig.builder().trustedProxies(List.of("10.0.0.5")).build())
        .hasMessageStartingWith("trustedProxies: [10.0.0.5/32] (expected: none without");
  }
}
