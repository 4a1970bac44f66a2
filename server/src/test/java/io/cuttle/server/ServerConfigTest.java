package io.cuttle.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsAreWhatANewUserMeets() {
    ServerConfig config = ServerConfig.builder().build();

    assertThat(config.dataDirectory().toString()).isEqualTo("cuttle-data");
    assertThat(config.publicAddress().getPort()).isEqualTo(8443);
    assertThat(config.legacyPollingAddress().getPort()).isEqualTo(10943);
    assertThat(config.pollingHost()).isEqualTo("polling.localhost");
    assertThat(config.jdbcUrl()).isNull();
  }

  @Test
  void refusesValuesThatCannotWorkNamingThem() {
    assertThatThrownBy(() -> ServerConfig.builder().pollWait(Duration.ZERO))
        .hasMessage("pollWait: PT0S (expected: > 0)");
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
}
