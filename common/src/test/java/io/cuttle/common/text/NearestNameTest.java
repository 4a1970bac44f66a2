package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNameTest {
  private static final List<String> FIELDS =
      List.of("name", "kind", "roles", "window", "syntax", "script", "packageId");

  @Test
  void aTypoFindsTheFieldItWasMeantToBe() {
    assertThat(NearestName.to("scrpt", FIELDS)).contains("script");
    assertThat(NearestName.to("rols", FIELDS)).contains("roles");
    assertThat(NearestName.to("Syntax", FIELDS)).contains("syntax");
    assertThat(NearestName.to("packageID", FIELDS)).contains("packageId");
  }

  @Test
  void aDifferentWordFindsNothing() {
    assertThat(NearestName.to("surprise", FIELDS)).isEmpty();
    assertThat(NearestName.to("x", FIELDS)).isEmpty();
    assertThat(NearestName.to("", FIELDS)).isEmpty();
  }

  @Test
  void distanceCountsSingleLetterEdits() {
    assertThat(NearestName.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(NearestName.distance("", "abc")).isEqualTo(3);
    assertThat(NearestName.distance("same", "same")).isZero();
  }
}
