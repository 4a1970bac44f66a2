package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.VariableRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output json} on every list command, against one real server: a JSON array of the REST
 * API's documents and nothing else on standard output, so that {@code | jq} works.
 */
@Timeout(180)
class ListOutputJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static TestFleet fleet;

  @BeforeAll
  static void startServer() throws Exception {
    fleet = new TestFleet(dir);
    fleet.register("web-01", false);
    try (ApiClient api = fleet.api()) {
      api.createEnvironment("Staging");
      api.createProject(
          new ProjectRequest(
              "shop",
              "The shop",
              List.of(
                  new StepSpec(
                      "hello", "script", List.of(), null, "bash", "echo hi", null, null, null))));
      api.addVariable(
          "shop", new VariableRequest("DB_PASSWORD", "hunter2-secret", true, null, null));
      api.createRelease("shop", new CreateReleaseRequest("1.0.0", Map.of()));
      api.createRegistrationToken(600L);
    }
  }

  @AfterAll
  static void stopServer() {
    fleet.close();
  }

  private static Run admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", fleet.server.info().webUrl()));
    all.addAll(List.of("--api-key", fleet.server.adminApiKey()));
    return cuttle(all.toArray(String[]::new));
  }

  /** The command's standard output, which must be one JSON array and nothing else. */
  private static JsonNode jsonArray(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--output", "json"));
    Run run = admin(all.toArray(String[]::new));
    assertThat(run.exitCode()).as("%s: %s", all, run.err()).isZero();
    JsonNode node = JSON.readTree(run.out());
    assertThat(node.isArray()).as("%s: %s", all, run.out()).isTrue();
    assertThat(JSON.writeValueAsString(JSON.readTree(run.out().trim())))
        .as("nothing but the array on stdout")
        .isEqualTo(JSON.writeValueAsString(node));
    assertThat(run.out().trim()).startsWith("[").endsWith("]");
    return node;
  }

  private static JsonNode named(JsonNode array, String field, String value) {
    for (JsonNode element : array) {
      if (value.equals(element.path(field).asText(null))) {
        return element;
      }
    }
    throw new AssertionError("no element with " + field + "=" + value + " in " + array);
  }

  @Test
  void fleetListGivesEachTentacleWithTheApisFields() throws Exception {
    JsonNode tentacle = named(jsonArray("fleet", "list"), "name", "web-01");

    assertThat(tentacle.path("status").asText()).isIn("ONLINE", "OFFLINE", "UNHEALTHY");
    assertThat(tentacle.has("thumbprint")).isTrue();
    assertThat(tentacle.path("roles").isArray()).isTrue();
    assertThat(tentacle.has("lastSeenMillis")).isTrue();
  }

  @Test
  void usersAndTheirKeysAreListedWithoutSecrets() throws Exception {
    JsonNode admin = named(jsonArray("user", "list"), "role", "admin");
    JsonNode keys = jsonArray("api-key", "list");

    assertThat(admin.path("createdMillis").asLong()).isPositive();
    assertThat(keys).isNotEmpty();
    assertThat(keys.get(0).has("label")).isTrue();
    assertThat(keys.get(0).has("user")).isTrue();
    assertThat(keys.get(0).has("key")).as("never the key's value").isFalse();
  }

  @Test
  void environmentsProjectsAndReleasesAreListed() throws Exception {
    JsonNode staging = named(jsonArray("environment", "list"), "name", "Staging");
    JsonNode shop = named(jsonArray("project", "list"), "name", "shop");
    JsonNode release = named(jsonArray("release", "list", "--project", "shop"), "version", "1.0.0");

    assertThat(staging.has("position")).isTrue();
    assertThat(shop.path("description").asText()).isEqualTo("The shop");
    assertThat(release.has("id")).isTrue();
  }

  @Test
  void tokensNodesPackagesAndVariablesAreListed() throws Exception {
    JsonNode tokens = jsonArray("registration-token", "list");
    JsonNode node = named(jsonArray("node", "list"), "thisNode", "true");

    assertThat(tokens).isNotEmpty();
    assertThat(tokens.get(0).has("expiresMillis")).isTrue();
    assertThat(node.path("online").asBoolean()).isTrue();
    assertThat(jsonArray("package", "list")).as("an empty list is [], not a sentence").isEmpty();
    JsonNode variable =
        named(jsonArray("project", "variable", "list", "shop"), "name", "DB_PASSWORD");

    assertThat(variable.path("sensitive").asBoolean()).isTrue();
    assertThat(variable.path("value").asText()).isEqualTo("********");
  }

  @Test
  void textStaysTheDefaultAndAnUnknownFormatNamesTheChoices() {
    Run text = admin("user", "list");
    Run unknown = admin("user", "list", "--output", "xml");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).doesNotContain("[").contains("admin");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).contains("--output").contains("text").contains("json");
  }
}
