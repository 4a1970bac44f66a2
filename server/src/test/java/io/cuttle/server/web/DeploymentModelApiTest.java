package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.ok;
import static io.cuttle.server.web.ApiCaller.problem;
import static io.cuttle.server.web.TentacleRegistrations.newThumbprint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.data.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.StreamSupport;
import org.h2.tools.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments, projects, variables, releases and deployments over the REST API: what works, and
 * bad input refused with a problem that says why and nothing stored.
 */
class DeploymentModelApiTest {
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static ApiCaller api;

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  private static void refused(AggregatedHttpResponse response, int status, String expected)
      throws Exception {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
    assertThat(problem(response)).contains(expected);
  }

  private static List<String> names(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.get(field).asText())
        .toList();
  }

  private static void registerTentacle(String name, String environment, String role) {
    AggregatedHttpResponse response =
        admin(
            HttpMethod.POST,
            "/api/tentacles",
            TentacleRegistrations.registration(name, newThumbprint(), environment, role));
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
  }

  private static String scriptStep(String name, String role, String script) {
    return "{\"name\":\""
        + name
        + "\",\"kind\":\"script\",\"roles\":[\""
        + role
        + "\"],\"script\":\""
        + script
        + "\"}";
  }

  private static String project(String name, String... steps) {
    return "{\"name\":\"" + name + "\",\"steps\":[" + String.join(",", steps) + "]}";
  }

  @Test
  void environmentsAreCreatedOrderedRenamedAndDeleted() throws Exception {
    ok(admin(HttpMethod.POST, "/api/environments", "{\"name\":\"Alpha\"}"));
    ok(admin(HttpMethod.POST, "/api/environments", "{\"name\":\"Beta\"}"));
    List<String> before = names(ok(admin(HttpMethod.GET, "/api/environments", null)), "name");
    assertThat(before).containsSubsequence("Alpha", "Beta");

    List<String> reversed = new java.util.ArrayList<>(before);
    java.util.Collections.reverse(reversed);
    JsonNode reordered =
        ok(
            admin(
                HttpMethod.PUT,
                "/api/environments",
                "{\"names\":[\"" + String.join("\",\"", reversed) + "\"]}"));
    assertThat(names(reordered, "name")).isEqualTo(reversed);

    ok(admin(HttpMethod.PUT, "/api/environments/Beta", "{\"name\":\"Gamma\"}"));
    assertThat(admin(HttpMethod.GET, "/api/environments/Beta", null).status().code())
        .isEqualTo(404);
    assertThat(admin(HttpMethod.DELETE, "/api/environments/Gamma", null).status().code())
        .isEqualTo(204);
    assertThat(names(ok(admin(HttpMethod.GET, "/api/environments", null)), "name"))
        .doesNotContain("Beta", "Gamma");
  }

  @Test
  void environmentsRefuseBadInputAndStoreNothing() throws Exception {
    ok(admin(HttpMethod.POST, "/api/environments", "{\"name\":\"Dup\"}"));
    List<String> before = names(ok(admin(HttpMethod.GET, "/api/environments", null)), "name");

    refused(
        admin(HttpMethod.POST, "/api/environments", "{\"name\":\"bad name!\"}"),
        400,
        "name: 'bad name!'");
    refused(
        admin(HttpMethod.POST, "/api/environments", "{\"name\":\"dup\"}"),
        409,
        "exists already (names ignore case)");
    refused(
        admin(HttpMethod.POST, "/api/environments", "{\"nmae\":\"x\"}"),
        400,
        "unknown field 'nmae'");
    refused(admin(HttpMethod.POST, "/api/environments", ""), 400, "needs a JSON body");
    refused(
        admin(HttpMethod.PUT, "/api/environments/Nowhere", "{\"name\":\"X\"}"),
        404,
        "no environment 'Nowhere'");
    refused(
        admin(HttpMethod.DELETE, "/api/environments/Nowhere", null),
        404,
        "no environment 'Nowhere'");
    refused(admin(HttpMethod.PUT, "/api/environments", "{\"names\":[\"Dup\"]}"), 400, "missing:");
    refused(
        admin(HttpMethod.PUT, "/api/environments", "{\"names\":[\"Dup\",\"Dup\"]}"),
        400,
        "more than once");

    assertThat(names(ok(admin(HttpMethod.GET, "/api/environments", null)), "name"))
        .isEqualTo(before);
  }

  @Test
  void registeringATentacleInAnUnknownEnvironmentAddsItAndAnEnvironmentInUseStays()
      throws Exception {
    registerTentacle("auto-env-1", "Staging", "web");

    assertThat(ok(admin(HttpMethod.GET, "/api/environments/Staging", null)).get("name").asText())
        .isEqualTo("Staging");
    refused(
        admin(HttpMethod.DELETE, "/api/environments/Staging", null),
        409,
        "is used by 1 registered tentacle(s)");

    ok(admin(HttpMethod.PUT, "/api/environments/Staging", "{\"name\":\"Staging2\"}"));
    assertThat(
            ok(admin(HttpMethod.GET, "/api/tentacles/auto-env-1", null))
                .get("environment")
                .asText())
        .isEqualTo("Staging2");
  }

  @Test
  void projectsRefuseBadProcessesAndStoreNothing() throws Exception {
    String good = scriptStep("one", "web", "echo hi");
    record Case(String body, int status, String expected) {}
    for (Case c :
        List.of(
            new Case(project("bad name!", good), 400, "name: 'bad name!'"),
            new Case("{\"name\":\"p-bad\",\"steps\":[]}", 400, "steps is required"),
            new Case("{\"name\":\"p-bad\"}", 400, "steps is required"),
            new Case(
                project("p-bad", scriptStep("one", "web", "")), 400, "steps[0].script is required"),
            new Case(project("p-bad", good, good), 400, "steps[1]: the name 'one' is used"),
            new Case(
                project("p-bad", good.replace("\"script\",", "\"script\",\"window\":0,")),
                400,
                "steps[0].window: 0"),
            new Case(
                project("p-bad", good.replace("\"kind\":\"script\"", "\"kind\":\"ftp\"")),
                400,
                "steps[0].kind: 'ftp'"),
            new Case(
                project(
                    "p-bad",
                    good.replace(
                        "\"kind\":\"script\"", "\"kind\":\"script\",\"syntax\":\"cobol\"")),
                400,
                "steps[0].syntax: 'cobol'"),
            new Case(
                project("p-bad", "{\"name\":\"pkg\",\"kind\":\"package\"}"),
                400,
                "steps[0].packageId is required"),
            new Case(
                project("p-bad", scriptStep("big", "web", "x".repeat(300 * 1024))),
                400,
                "larger than 256 KiB"))) {
      refused(admin(HttpMethod.POST, "/api/projects", c.body()), c.status(), c.expected());
    }
    refused(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project("p-huge", scriptStep("big", "web", "x".repeat(2 * 1024 * 1024)))),
        413,
        "larger than the 1024 KiB");
    assertThat(names(ok(admin(HttpMethod.GET, "/api/projects", null)), "name"))
        .doesNotContain("p-bad", "p-huge");
    refused(admin(HttpMethod.GET, "/api/projects/p-bad", null), 404, "no project 'p-bad'");
  }

  @Test
  void projectsAreCreatedReplacedAndDeletedButNotTwice() throws Exception {
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project("p-life", scriptStep("one", "web", "echo 1"))));
    refused(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project("p-life", scriptStep("one", "web", "echo 1"))),
        409,
        "exists already");

    JsonNode replaced =
        ok(
            admin(
                HttpMethod.PUT,
                "/api/projects/p-life",
                project(
                    "p-life",
                    scriptStep("one", "web", "echo 1"),
                    scriptStep("two", "db", "echo 2"))));
    assertThat(names(replaced.get("steps"), "name")).containsExactly("one", "two");
    assertThat(replaced.get("steps").get(1).get("syntax").asText()).isEqualTo("bash");

    assertThat(admin(HttpMethod.DELETE, "/api/projects/p-life", null).status().code())
        .isEqualTo(204);
    refused(admin(HttpMethod.GET, "/api/projects/p-life", null), 404, "no project 'p-life'");
  }

  @Test
  void variablesAreValidatedAndSensitiveOnesNeverShown() throws Exception {
    ok(admin(HttpMethod.POST, "/api/environments", "{\"name\":\"VarEnv\"}"));
    ok(
        admin(
            HttpMethod.POST, "/api/projects", project("p-vars", scriptStep("one", "web", "echo"))));
    String secret = "s3cr3t-" + System.nanoTime();
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects/p-vars/variables",
            "{\"name\":\"GREETING\",\"value\":\"hello\"}"));
    JsonNode sensitive =
        ok(
            admin(
                HttpMethod.POST,
                "/api/projects/p-vars/variables",
                "{\"name\":\"PASSWORD\",\"value\":\""
                    + secret
                    + "\",\"sensitive\":true,\"environment\":\"VarEnv\"}"));
    assertThat(sensitive.get("value").asText()).isEqualTo("********");

    JsonNode listed = ok(admin(HttpMethod.GET, "/api/projects/p-vars/variables", null));
    assertThat(listed.toString()).doesNotContain(secret).contains("********").contains("hello");

    record Case(String body, int status, String expected) {}
    for (Case c :
        List.of(
            new Case("{\"name\":\"1BAD\",\"value\":\"x\"}", 400, "name: '1BAD'"),
            new Case("{\"name\":\"CUTTLE_X\",\"value\":\"x\"}", 400, "starts with CUTTLE_"),
            new Case("{\"name\":\"X\"}", 400, "value is required"),
            new Case(
                "{\"name\":\"X\",\"value\":\"" + "v".repeat(9000) + "\"}",
                400,
                "larger than 8 KiB"),
            new Case(
                "{\"name\":\"X\",\"value\":\"x\",\"environment\":\"Nowhere\"}",
                400,
                "no environment 'Nowhere'"),
            new Case(
                "{\"name\":\"X\",\"value\":\"x\",\"role\":\"bad role\"}", 400, "role: 'bad role'"),
            new Case(
                "{\"name\":\"GREETING\",\"value\":\"again\"}",
                409,
                "already has variable 'GREETING'"))) {
      refused(
          admin(HttpMethod.POST, "/api/projects/p-vars/variables", c.body()),
          c.status(),
          c.expected());
    }
    refused(
        admin(HttpMethod.POST, "/api/projects/nope/variables", "{\"name\":\"X\",\"value\":\"x\"}"),
        404,
        "no project 'nope'");
    refused(
        admin(HttpMethod.DELETE, "/api/projects/p-vars/variables/V-nope", null),
        404,
        "no variable with id 'V-nope'");
    JsonNode stored = ok(admin(HttpMethod.GET, "/api/projects/p-vars/variables", null));
    assertThat(names(stored, "name")).containsExactly("GREETING", "PASSWORD");

    String greetingId = stored.get(0).get("id").asText();
    assertThat(
            admin(HttpMethod.DELETE, "/api/projects/p-vars/variables/" + greetingId, null)
                .status()
                .code())
        .isEqualTo(204);
    assertThat(names(ok(admin(HttpMethod.GET, "/api/projects/p-vars/variables", null)), "name"))
        .containsExactly("PASSWORD");
  }

  @Test
  void sensitiveValuesAreStoredOnlyEncryptedUnderAnOwnerOnlyKey(@TempDir Path own)
      throws Exception {
    String secret = "s3cr3t-" + System.nanoTime();
    try (CuttleServer alone = ServerPerClass.start(own, b -> b);
        ApiCaller caller = new ApiCaller(alone)) {
      ok(
          caller.admin(
              HttpMethod.POST,
              "/api/projects",
              project("p-enc", scriptStep("one", "web", "echo"))));
      ok(
          caller.admin(
              HttpMethod.POST,
              "/api/projects/p-enc/variables",
              "{\"name\":\"PLAIN\",\"value\":\"visible-value\"}"));
      ok(
          caller.admin(
              HttpMethod.POST,
              "/api/projects/p-enc/variables",
              "{\"name\":\"PASSWORD\",\"value\":\"" + secret + "\",\"sensitive\":true}"));
      ok(caller.admin(HttpMethod.POST, "/api/projects/p-enc/releases", "{\"version\":\"1\"}"));
    }

    assertThat(Files.getPosixFilePermissions(own.resolve(Secrets.FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(databaseDump(own)).contains("visible-value").doesNotContain(secret);
  }

  /** The whole database of a stopped server as SQL text, to see what is stored in clear. */
  private static String databaseDump(Path serverData) throws Exception {
    Path dump = serverData.resolve("dump.sql");
    Script.main(
        "-url",
        "jdbc:h2:file:" + serverData.resolve("db").resolve("cuttle").toAbsolutePath(),
        "-script",
        dump.toString());
    return Files.readString(dump, StandardCharsets.UTF_8);
  }

  @Test
  void releasesSnapshotTheProcessAndRefuseDuplicates() throws Exception {
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project("p-rel", scriptStep("one", "web", "echo 1"))));
    ok(admin(HttpMethod.POST, "/api/projects/p-rel/variables", "{\"name\":\"A\",\"value\":\"1\"}"));
    ok(admin(HttpMethod.POST, "/api/projects/p-rel/releases", "{\"version\":\"1.0.0\"}"));
    ok(
        admin(
            HttpMethod.PUT,
            "/api/projects/p-rel",
            project("p-rel", scriptStep("changed", "web", "echo 2"))));

    JsonNode release = ok(admin(HttpMethod.GET, "/api/projects/p-rel/releases/1.0.0", null));
    assertThat(names(release.get("steps"), "name")).containsExactly("one");
    assertThat(names(release.get("variables"), "name")).containsExactly("A");

    refused(
        admin(HttpMethod.POST, "/api/projects/p-rel/releases", "{\"version\":\"1.0.0\"}"),
        409,
        "already has release 1.0.0");
    refused(
        admin(HttpMethod.POST, "/api/projects/p-rel/releases", "{\"version\":\"1 0\"}"),
        400,
        "version: '1 0'");
    refused(
        admin(HttpMethod.POST, "/api/projects/p-rel/releases", "{}"), 400, "version is required");
    refused(
        admin(HttpMethod.POST, "/api/projects/nope/releases", "{\"version\":\"1\"}"),
        404,
        "no project 'nope'");
    refused(
        admin(HttpMethod.GET, "/api/projects/p-rel/releases/9.9", null),
        404,
        "has no release '9.9'");
    refused(admin(HttpMethod.DELETE, "/api/projects/p-rel", null), 409, "has 1 release(s)");

    assertThat(ok(admin(HttpMethod.GET, "/api/projects/p-rel/releases", null)).size()).isEqualTo(1);
  }

  @Test
  void deployingMakesATaskWithATargetPerStepPerTentacleGroupedByStep() throws Exception {
    registerTentacle("dep-web-1", "DepEnv", "web");
    registerTentacle("dep-web-2", "DepEnv", "web");
    registerTentacle("dep-db-1", "DepEnv", "db");
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project(
                "p-dep",
                scriptStep("migrate", "db", "echo m"),
                scriptStep("web", "web", "echo w")
                    .replace("\"script\",", "\"script\",\"window\":1,"))));
    ok(admin(HttpMethod.POST, "/api/projects/p-dep/releases", "{\"version\":\"2.0\"}"));

    JsonNode deployment =
        ok(
            admin(
                HttpMethod.POST,
                "/api/deployments",
                "{\"project\":\"p-dep\",\"release\":\"2.0\",\"environment\":\"DepEnv\"}"));
    assertThat(deployment.get("state").asText()).isEqualTo("RUNNING");
    String taskId = deployment.get("taskId").asText();

    JsonNode task = ok(admin(HttpMethod.GET, "/api/tasks/" + taskId, null));
    assertThat(names(task.get("targets"), "stepName")).containsExactly("migrate", "web", "web");
    assertThat(names(task.get("targets"), "tentacleName"))
        .containsExactly("dep-db-1", "dep-web-1", "dep-web-2");
    assertThat(names(task.get("targets"), "state")).containsExactly("QUEUED", "PENDING", "PENDING");

    JsonNode cancelled = ok(admin(HttpMethod.POST, "/api/tasks/" + taskId + "/cancel", null));
    assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
    assertThat(names(cancelled.get("targets"), "state")).containsOnly("CANCELLED");
    assertThat(
            ok(admin(HttpMethod.GET, "/api/deployments/" + deployment.get("id").asText(), null))
                .get("state")
                .asText())
        .isEqualTo("CANCELLED");
    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments/" + deployment.get("id").asText() + "/retry",
            "{\"target\":\"dep-db-1\"}"),
        409,
        "was cancelled");
  }

  @Test
  void deploymentsRefuseBadInputAndStoreNothing() throws Exception {
    registerTentacle("bad-dep-1", "BadDepEnv", "web");
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            project("p-baddep", scriptStep("one", "db", "echo"))));
    ok(admin(HttpMethod.POST, "/api/projects/p-baddep/releases", "{\"version\":\"1\"}"));
    int before = ok(admin(HttpMethod.GET, "/api/deployments?limit=200", null)).size();

    refused(
        admin(HttpMethod.POST, "/api/deployments", "{\"project\":\"p-baddep\"}"),
        400,
        "project, release and environment are required");
    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"nope\",\"release\":\"1\",\"environment\":\"BadDepEnv\"}"),
        404,
        "no project 'nope'");
    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"p-baddep\",\"release\":\"7\",\"environment\":\"BadDepEnv\"}"),
        404,
        "has no release '7'");
    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"p-baddep\",\"release\":\"1\",\"environment\":\"Nowhere\"}"),
        400,
        "no environment 'Nowhere'");
    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"p-baddep\",\"release\":\"1\",\"environment\":\"BadDepEnv\"}"),
        409,
        "step 'one' has no targets: no tentacle in environment 'BadDepEnv' has a role in [db]");
    refused(admin(HttpMethod.GET, "/api/deployments/D-nope", null), 404, "no deployment 'D-nope'");
    refused(
        admin(HttpMethod.POST, "/api/deployments/D-nope/retry", "{\"target\":\"x\"}"),
        404,
        "no deployment 'D-nope'");
    refused(admin(HttpMethod.GET, "/api/deployments?limit=0", null), 400, "limit: 0");

    assertThat(ok(admin(HttpMethod.GET, "/api/deployments?limit=200", null)).size())
        .isEqualTo(before);
  }

  @Test
  void theNewResourcesNeedAnApiKey() throws Exception {
    for (String path : List.of("/api/environments", "/api/projects", "/api/deployments")) {
      AggregatedHttpResponse response = api.call(HttpMethod.GET, path, (String) null, null);
      assertThat(response.status().code()).as(path).isEqualTo(401);
      assertThat(problem(response)).contains("needs an API key");
    }
  }
}
