package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.ok;
import static io.cuttle.server.web.ApiCaller.problem;
import static io.cuttle.server.web.TentacleRegistrations.newThumbprint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Package steps and the dashboard over the REST API: releases pin a stored package version, a
 * package a release uses cannot be deleted, and deployments to tentacles that cannot extract
 * packages are refused with nothing stored.
 */
class PackageStepApiTest {
  private static final byte[] ZIP = {'P', 'K', 3, 4, 0, 0, 0, 0};

  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static CuttleServer server;
  private static ApiCaller api;

  private static void refused(AggregatedHttpResponse response, int status, String expected)
      throws Exception {
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(status);
    assertThat(problem(response)).isEqualTo(expected);
  }

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  private static void push(String id, String version) throws Exception {
    ok(
        api.upload(
            "/api/packages?id=" + id + "&version=" + version,
            server.adminApiKey(),
            withTail(version)));
  }

  /** Zip-like bytes, different per version so that each is stored as its own package. */
  private static byte[] withTail(String version) {
    byte[] tail = version.getBytes();
    byte[] bytes = new byte[ZIP.length + tail.length];
    System.arraycopy(ZIP, 0, bytes, 0, ZIP.length);
    System.arraycopy(tail, 0, bytes, ZIP.length, tail.length);
    return bytes;
  }

  private static void registerSilentTentacle(String name, String environment) throws Exception {
    ok(
        admin(
            HttpMethod.POST,
            "/api/tentacles",
            TentacleRegistrations.registration(name, newThumbprint(), environment, "web")));
  }

  private static JsonNode packageStep(JsonNode release) {
    return release.get("steps").get(0);
  }

  @Test
  void aReleasePinsTheAskedOrLatestVersionAndKeepsItFromBeingDeleted() throws Exception {
    push("Shop.Web", "1.0.0");
    push("Shop.Web", "1.1.0");
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            "{\"name\":\"pinned\",\"steps\":[{\"name\":\"site\",\"kind\":\"package\","
                + "\"packageId\":\"Shop.Web\",\"roles\":[\"web\"]}]}"));

    JsonNode latest =
        ok(admin(HttpMethod.POST, "/api/projects/pinned/releases", "{\"version\":\"1\"}"));
    assertThat(packageStep(latest).get("packageVersion").asText())
        .as("the most recently pushed version")
        .isEqualTo("1.1.0");
    JsonNode asked =
        ok(
            admin(
                HttpMethod.POST,
                "/api/projects/pinned/releases",
                "{\"version\":\"2\",\"packages\":{\"Shop.Web\":\"1.0.0\"}}"));
    assertThat(packageStep(asked).get("packageVersion").asText()).isEqualTo("1.0.0");

    push("Shop.Web", "1.2.0");
    assertThat(
            packageStep(ok(admin(HttpMethod.GET, "/api/projects/pinned/releases/1", null)))
                .get("packageVersion")
                .asText())
        .as("a newer push does not change a release")
        .isEqualTo("1.1.0");

    refused(
        admin(HttpMethod.DELETE, "/api/packages/Shop.Web/1.0.0", null),
        409,
        "package Shop.Web 1.0.0 is still used by release 2 of pinned;"
            + " delete or change those first");
    refused(
        admin(HttpMethod.DELETE, "/api/packages/Shop.Web/1.1.0", null),
        409,
        "package Shop.Web 1.1.0 is still used by release 1 of pinned;"
            + " delete or change those first");
    ok(admin(HttpMethod.GET, "/api/packages/Shop.Web/1.0.0", null));
    assertThat(admin(HttpMethod.DELETE, "/api/packages/Shop.Web/1.2.0", null).status().code())
        .as("no release uses it")
        .isBetween(200, 299);
  }

  @Test
  void aReleaseOfAPackageNotStoredIsRefusedAndNothingStored() throws Exception {
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            "{\"name\":\"unpushed\",\"steps\":[{\"name\":\"app\",\"kind\":\"package\","
                + "\"packageId\":\"Never.Pushed\"}]}"));
    refused(
        admin(HttpMethod.POST, "/api/projects/unpushed/releases", "{\"version\":\"1\"}"),
        400,
        "step 'app': no version of package Never.Pushed is stored; push one first"
            + " (cuttle package push)");
    push("Never.Pushed", "3.0.0");
    refused(
        admin(
            HttpMethod.POST,
            "/api/projects/unpushed/releases",
            "{\"version\":\"1\",\"packages\":{\"Never.Pushed\":\"9.9\"}}"),
        400,
        "step 'app': no package Never.Pushed 9.9 is stored; push it first, or leave the"
            + " version out to use the latest");
    assertThat(ok(admin(HttpMethod.GET, "/api/projects/unpushed/releases", null)).size()).isZero();
  }

  @Test
  void deployingAPackageToTentaclesThatCannotExtractItIsRefusedAndTheDashboardShowsNothing()
      throws Exception {
    registerSilentTentacle("old-web", "Legacy");
    push("Legacy.App", "1.0.0");
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            "{\"name\":\"legacy\",\"steps\":[{\"name\":\"app\",\"kind\":\"package\","
                + "\"packageId\":\"Legacy.App\",\"roles\":[\"web\"]}]}"));
    ok(admin(HttpMethod.POST, "/api/projects/legacy/releases", "{\"version\":\"1\"}"));

    refused(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"legacy\",\"release\":\"1\",\"environment\":\"Legacy\"}"),
        400,
        "tentacle(s) [old-web] have not reported that they can deploy zip packages (capability"
            + " package:zip); upgrade them, or let them connect once, then deploy again");
    assertThat(ok(admin(HttpMethod.GET, "/api/deployments", null)).findValues("project"))
        .noneMatch(p -> p.asText().equals("legacy"));
    JsonNode row = row(ok(admin(HttpMethod.GET, "/api/dashboard", null)), "legacy");
    JsonNode cell = cell(row, "Legacy");
    assertThat(cell.get("deployed").isNull()).isTrue();
    assertThat(cell.get("latest").isNull()).isTrue();
  }

  @Test
  void theDashboardShowsTheNewestDeploymentOfEachProjectInEachEnvironment() throws Exception {
    registerSilentTentacle("grid-web", "Grid");
    ok(
        admin(
            HttpMethod.POST,
            "/api/projects",
            "{\"name\":\"grid\",\"steps\":[{\"name\":\"say\",\"script\":\"echo hi\"}]}"));
    ok(admin(HttpMethod.POST, "/api/projects/grid/releases", "{\"version\":\"1\"}"));
    ok(admin(HttpMethod.POST, "/api/projects/grid/releases", "{\"version\":\"2\"}"));
    ok(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"grid\",\"release\":\"1\",\"environment\":\"Grid\"}"));
    ok(
        admin(
            HttpMethod.POST,
            "/api/deployments",
            "{\"project\":\"grid\",\"release\":\"2\",\"environment\":\"Grid\"}"));

    JsonNode dashboard = ok(admin(HttpMethod.GET, "/api/dashboard", null));
    assertThat(dashboard.get("environments").toString()).contains("\"Grid\"");
    JsonNode cell = cell(row(dashboard, "grid"), "Grid");
    assertThat(cell.get("latest").get("release").asText()).isEqualTo("2");
    assertThat(cell.get("latest").get("state").asText())
        .as("its tentacle never connects, so it waits")
        .isEqualTo("RUNNING");
    assertThat(cell.get("deployed").isNull()).as("nothing has succeeded there").isTrue();
  }

  private static JsonNode row(JsonNode dashboard, String project) {
    for (JsonNode row : dashboard.get("projects")) {
      if (row.get("project").asText().equals(project)) {
        return row;
      }
    }
    throw new AssertionError("no dashboard row for " + project + ": " + dashboard);
  }

  private static JsonNode cell(JsonNode row, String environment) {
    for (JsonNode cell : row.get("cells")) {
      if (cell.get("environment").asText().equals(environment)) {
        return cell;
      }
    }
    throw new AssertionError("no dashboard cell for " + environment + ": " + row);
  }
}
