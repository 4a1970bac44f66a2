package io.cuttle.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TentacleVersionsTest {
  @Test
  void comparesPartByPartWithQualifiedVersionsBeforeTheirRelease() {
    assertThat(TentacleVersions.isOlder("0.1.0", "0.2.0")).isTrue();
    assertThat(TentacleVersions.isOlder("0.10.0", "0.9.5")).isFalse();
    assertThat(TentacleVersions.isOlder("1.0", "1.0.0")).isFalse();
    assertThat(TentacleVersions.isOlder("0.2.0-SNAPSHOT", "0.2.0")).isTrue();
    assertThat(TentacleVersions.isOlder("0.2.0", "0.2.0-SNAPSHOT")).isFalse();
    assertThat(TentacleVersions.isOlder("0.1.0-SNAPSHOT", "0.1.0-SNAPSHOT")).isFalse();
  }

  @Test
  void anUnknownVersionIsNotFlagged() {
    assertThat(TentacleVersions.isOlder(null, "1.0")).isFalse();
    assertThat(TentacleVersions.isOlder("dev", "1.0")).isFalse();
    assertThat(TentacleVersions.isOlder("0.1", null)).isFalse();
  }

  @Test
  void refusesAMinimumThatCannotBeCompared() {
    assertThatThrownBy(() -> TentacleVersions.requireValid("minimumTentacleVersion", "latest"))
        .hasMessage("minimumTentacleVersion: 'latest' (expected: a version such as 0.2.0)");
  }
}
