package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void aHashCarriesItsSaltAndCostAndMatchesOnlyItsPassword() {
    String first = hasher.hash("correct horse battery staple");
    String second = hasher.hash("correct horse battery staple");

    assertThat(first).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(second);
    assertThat(hasher.matches("correct horse battery staple", first)).isTrue();
    assertThat(hasher.matches("correct horse battery stable", first)).isFalse();
    assertThat(hasher.matches("anything", hasher.decoy())).isFalse();
    assertThat(hasher.matches("anything", "not a hash")).isFalse();
  }
}
