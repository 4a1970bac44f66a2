package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void shortPrintableValuesShowWhole() {
    assertThat(LogSafe.of("tentacle-01 é")).isEqualTo("tentacle-01 é");
  }

  @Test
  void controlCharactersAreEscapedSoNoLineCanBeForged() {
    assertThat(LogSafe.of("id\n08:00:00.000 ERROR X\r\t\u0000\u2028\\"))
        .isEqualTo("id\\n08:00:00.000 ERROR X\\r\\t\\u0000\\u2028\\\\");
  }

  @Test
  void longValuesAreCutToAPrefixNamingTheirLength() {
    assertThat(LogSafe.of("x".repeat(1024 * 1024)))
        .isEqualTo("x".repeat(LogSafe.MAX_CHARS) + "…(1048576 characters)");
  }

  @Test
  void nullIsShownAsSuch() {
    assertThat(LogSafe.of(null)).isEqualTo("null");
  }
}
