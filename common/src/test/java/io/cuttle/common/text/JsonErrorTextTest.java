package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each way a process file or a request body can be wrong, read by a real Jackson mapper as the
 * command line and the server read them, explained without a Java class name.
 */
class JsonErrorTextTest {
  enum Style {
    POLLING,
    LISTENING
  }

  record Step(String name, String kind, List<String> roles, Integer window, String script) {}

  record Process(String name, List<Step> steps, Style style) {}

  record Checked(String name) {
    Checked {
      if ("bad".equals(name)) {
        throw new IllegalArgumentException("name: 'bad' is not allowed (expected: letters)");
      }
    }
  }

  record Holder(List<Checked> items) {}

  /** As the command line reads process files. */
  private static final JsonMapper LENIENT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** As the server reads bodies: no type is taken for another. */
  private static final JsonMapper STRICT =
      LENIENT
          .rebuild()
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private static JsonError error(JsonMapper mapper, String json, Class<?> type) {
    try {
      mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      JsonError error = JsonErrorText.explain(e);
      assertThat(error.inFile("p.json") + " " + error.inBody())
          .as("no Java names in the explanation of " + e.getOriginalMessage())
          .doesNotContain("java.", "io.cuttle", "Jackson", "`", "Source", "Cannot construct");
      return error;
    }
    return fail("expected " + json + " to be refused");
  }

  private static JsonError error(String json) {
    return error(LENIENT, json, Process.class);
  }

  @Test
  void aStringWhereAListBelongsNamesThePathLineColumnAndBothKinds() {
    JsonError error =
        error("{\"name\": \"shop\",\n \"steps\": [{\"name\": \"a\",\n   \"roles\": \"web\"}]}");

    assertThat(error.inFile("p.json"))
        .isEqualTo(
            "p.json:3:13: steps[0].roles: found a string ('web'), expected a list of strings");
    assertThat(error.inBody())
        .isEqualTo("steps[0].roles: found a string ('web'), expected a list of strings");
  }

  @Test
  void aMisspeltFieldGetsDidYouMeanAndTheKnownFields() {
    JsonError error =
        error("{\"name\": \"shop\", \"steps\": [{\"name\": \"a\", \"scrpt\": \"x\"}]}");

    assertThat(error.path()).isEqualTo("steps[0].scrpt");
    assertThat(error.inBody())
        .startsWith("steps[0].scrpt: unknown field 'scrpt'; did you mean script?")
        .contains("known fields: ")
        .contains("roles");
  }

  @Test
  void anUnknownFieldNotCloseToAnyGetsNoGuess() {
    assertThat(error("{\"surprise\": 1}").inBody())
        .startsWith("surprise: unknown field 'surprise' (known fields:")
        .doesNotContain("did you mean");
  }

  @Test
  void aTrailingCommaInAListSaysWhatWasFoundAndWhy() {
    JsonError error =
        error("{\"name\": \"shop\",\n \"steps\": [{\"name\": \"a\",\n \"roles\": [\"web\",]}]}");

    assertThat(error.syntax()).isTrue();
    assertThat(error.inFile("p.json"))
        .startsWith("p.json:3:18: not valid JSON (in steps[0].roles")
        .contains("found ']', expected a value")
        .contains("no comma before a closing ']'");
  }

  @Test
  void aTrailingCommaInAnObjectSaysSoToo() {
    assertThat(error("{\"name\": \"shop\",}").inFile("p.json"))
        .isEqualTo(
            "p.json:1:17: not valid JSON: found '}', expected a field name in double quotes"
                + " (JSON allows no comma before a closing '}')");
  }

  @Test
  void aMissingCommaAndAnUnquotedWordAndAnUnclosedObjectAreExplained() {
    assertThat(error("{\"name\": \"x\" \"steps\": []}").inBody())
        .isEqualTo(
            "the body is not valid JSON at line 1, column 14: found '\"', expected ',' or '}'");
    assertThat(error("{\"name\": shop}").inBody())
        .contains("found 'shop', expected a value")
        .contains("strings need double quotes");
    assertThat(error("{\"name\": \"x\",\n \"steps\": [").inFile("p.json"))
        .startsWith("p.json:2:")
        .contains("found the end of the text, expected ']' to close the list")
        .contains("starts at line 2, column 11");
  }

  @Test
  void aNumberWhereTextBelongsAndTextWhereANumberBelongs() {
    assertThat(error("{\"steps\": [{\"window\": \"abc\"}]}").inBody())
        .isEqualTo("steps[0].window: found a string ('abc'), expected a whole number");
    assertThat(error(STRICT, "{\"steps\": [{\"window\": \"10\"}]}", Process.class).inBody())
        .isEqualTo("steps[0].window: found a string ('10'), expected a whole number");
    assertThat(error(STRICT, "{\"steps\": [{\"window\": 1.5}]}", Process.class).inBody())
        .isEqualTo("steps[0].window: found a number (1.5), expected a whole number");
    assertThat(error("{\"name\": [\"a\"]}").inBody())
        .isEqualTo("name: found a list, expected a string");
  }

  @Test
  void anObjectWhereAListBelongsAndAnElementOfTheWrongKind() {
    assertThat(error("{\"steps\": {}}").inBody())
        .isEqualTo("steps: found an object, expected a list of JSON objects");
    assertThat(error("{\"steps\": [\"a\"]}").inBody())
        .isEqualTo("steps[0]: found a string ('a'), expected a JSON object");
  }

  @Test
  void anUnknownEnumValueListsTheValues() {
    assertThat(error("{\"style\": \"PIGEON\"}").inBody())
        .isEqualTo("style: found a string ('PIGEON'), expected one of POLLING, LISTENING");
  }

  @Test
  void theWrongDocumentIsSaidOfTheFileOrTheBody() {
    JsonError list = error("[1, 2]");

    assertThat(list.inBody()).isEqualTo("the body must be a JSON object, not a list");
    assertThat(list.inFile("p.json"))
        .isEqualTo("p.json:1:1: the file must be a JSON object, not a list");
    assertThat(error("").inFile("p.json")).contains("the file is empty, expected a JSON object");
    assertThat(error("{\"name\": \"x\"} {}").inBody())
        .isEqualTo(
            "the body is not valid JSON at line 1, column 15: found more after the end of the"
                + " JSON value, expected nothing");
  }

  @Test
  void aRefusalFromAConstructorCarriesTheFieldPath() {
    JsonError error =
        error(LENIENT, "{\"items\": [{\"name\": \"ok\"}, {\"name\": \"bad\"}]}", Holder.class);

    assertThat(error.inBody()).isEqualTo("items[1].name: 'bad' is not allowed (expected: letters)");
  }

  @Test
  void aReadersLimitIsNamedWithTheFieldAndTheLimit() {
    JsonMapper limited =
        JsonMapper.builder(
                JsonFactory.builder()
                    .streamReadConstraints(
                        StreamReadConstraints.builder()
                            .maxStringLength(10)
                            .maxNestingDepth(3)
                            .build())
                    .build())
            .build();

    assertThat(error(limited, "{\"name\": \"" + "x".repeat(32) + "\"}", Process.class).inBody())
        .isEqualTo("name: found a string of 32 characters, expected at most 10");
    assertThat(error(limited, "{\"steps\": [[[[1]]]]}", JsonNode.class).inBody())
        .startsWith("the body cannot be read: found 4 levels of nested lists and objects,")
        .endsWith("expected at most 3");
  }

  @Test
  void aControlCharacterInAStringAndAnOutOfRangeNumber() {
    assertThat(error("{\"name\": \"a\nb\"}").inBody())
        .contains("(in name): found a control character (code 10) inside a string");
    assertThat(error("{\"steps\": [{\"window\": 99999999999}]}").inBody())
        .startsWith("steps[0].window: found 99999999999, expected a whole number from");
  }
}
