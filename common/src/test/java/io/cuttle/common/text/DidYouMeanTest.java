package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
  private static final List<String> ENVIRONMENTS = List.of("Production", "Staging", "Test");

  @Test
  void aMisspeltNameGetsTheNearestOne() {
    assertThat(DidYouMean.phrase("Prodution", ENVIRONMENTS))
        .isEqualTo("did you mean 'Production'?");
    assertThat(DidYouMean.nearest("staging", ENVIRONMENTS)).containsExactly("Staging");
    assertThat(DidYouMean.nearest("Tset", ENVIRONMENTS)).containsExactly("Test");
    assertThat(DidYouMean.nearest("wbe", List.of("web", "db"))).containsExactly("web");
  }

  @Test
  void aNameFarFromEveryKnownOneGetsNoGuess() {
    assertThat(DidYouMean.nearest("Kitchen", ENVIRONMENTS)).isEmpty();
    assertThat(DidYouMean.phrase("Kitchen", ENVIRONMENTS)).isEmpty();
    assertThat(DidYouMean.nearest("", ENVIRONMENTS)).isEmpty();
  }

  @Test
  void distanceCountsEdits() {
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.distance("same", "same")).isZero();
    assertThat(DidYouMean.distance("wbe", "web")).as("two letters swapped").isEqualTo(1);
    assertThat(DidYouMean.distance("ca", "abc")).isEqualTo(3);
  }
}
