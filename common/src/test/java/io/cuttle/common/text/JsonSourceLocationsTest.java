package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.common.text.JsonSourceLocations.Location;
import org.junit.jupiter.api.Test;

class JsonSourceLocationsTest {
  private static final String PROCESS =
      """
      {"name": "shop",
       "steps": [
         {"name": "a", "script": "x"},
         {"name": "b",
          "syntax": "zsh", "roles": ["web", "db"]}
       ]}
      """;

  @Test
  void aFieldIsFoundAtItsName() {
    assertThat(JsonSourceLocations.of(PROCESS, "steps[1].syntax")).contains(new Location(5, 5));
    assertThat(JsonSourceLocations.of(PROCESS, "name")).contains(new Location(1, 2));
  }

  @Test
  void anElementOfAListIsFoundWhereItStarts() {
    assertThat(JsonSourceLocations.of(PROCESS, "steps[1]")).contains(new Location(4, 4));
    assertThat(JsonSourceLocations.of(PROCESS, "steps[1].roles[1]")).contains(new Location(5, 39));
  }

  @Test
  void aMissingFieldIsFoundAtItsNearestWrittenParent() {
    assertThat(JsonSourceLocations.of(PROCESS, "steps[0].packageId")).contains(new Location(3, 4));
    assertThat(JsonSourceLocations.of(PROCESS, "description")).isEmpty();
  }

  @Test
  void textThatStopsBeingJsonKeepsWhatWasFoundBefore() {
    assertThat(JsonSourceLocations.of("{\"steps\": [{\"name\": ,", "steps[0].name"))
        .as("the field name is lost with the value after it; its step still stands")
        .contains(new Location(1, 12));
  }
}
