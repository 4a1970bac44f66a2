package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/packages} over HTTPS: pushes are streamed past the API's usual 1 MiB limit up to the
 * package limit, and every refusal is a problem document that says what to do, with nothing kept.
 */
class PackageApiTest {
  private static final int MAX_PACKAGE_BYTES = 2 * 1024 * 1024;

  @RegisterExtension
  static final ServerPerClass cuttle =
      new ServerPerClass(b -> b.maxPackageBytes(MAX_PACKAGE_BYTES));

  private static CuttleServer server;
  private static ApiCaller api;

  private static byte[] zipLike(int size, byte fill) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, fill);
    bytes[0] = 'P';
    bytes[1] = 'K';
    bytes[2] = 3;
    bytes[3] = 4;
    return bytes;
  }

  private static AggregatedHttpResponse push(String query, byte[] body) {
    return api.upload("/api/packages?" + query, server.adminApiKey(), body);
  }

  @Test
  void aPackageLargerThanOrdinaryRequestsIsPushedListedAndDeleted() throws Exception {
    byte[] body = zipLike(MAX_PACKAGE_BYTES, (byte) 1);

    AggregatedHttpResponse created = push("fileName=Acme.Web.1.2.0.zip", body);
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
    JsonNode view = json(created);
    assertThat(view.get("id").asText()).isEqualTo("Acme.Web");
    assertThat(view.get("version").asText()).isEqualTo("1.2.0");
    assertThat(view.get("sizeBytes").asLong()).isEqualTo(MAX_PACKAGE_BYTES);
    assertThat(view.get("format").asText()).isEqualTo("zip");

    AggregatedHttpResponse again = push("id=Acme.Web&version=1.2.0", body);
    assertThat(again.status().code()).isEqualTo(200);
    assertThat(json(again)).isEqualTo(view);

    AggregatedHttpResponse conflict = push("id=Acme.Web&version=1.2.0", zipLike(10, (byte) 2));
    assertThat(conflict.status().code()).isEqualTo(409);
    assertThat(problem(conflict)).contains("push it as a new version");

    assertThat(json(api.admin(HttpMethod.GET, "/api/packages/Acme.Web/1.2.0", null)))
        .isEqualTo(view);
    assertThat(json(api.admin(HttpMethod.GET, "/api/packages", null))).containsExactly(view);

    AggregatedHttpResponse deleted =
        api.admin(HttpMethod.DELETE, "/api/packages/Acme.Web/1.2.0", null);
    assertThat(deleted.status().code()).isEqualTo(200);
    AggregatedHttpResponse gone = api.admin(HttpMethod.GET, "/api/packages/Acme.Web/1.2.0", null);
    assertThat(gone.status().code()).isEqualTo(404);
    assertThat(problem(gone)).isEqualTo("no package Acme.Web 1.2.0 is stored");
  }

  @Test
  void aPushOverTheLimitIsRefusedWith413AndNothingIsKept() throws Exception {
    AggregatedHttpResponse refused =
        push("id=Too.Big&version=1.0.0", zipLike(MAX_PACKAGE_BYTES + 1, (byte) 3));

    assertThat(refused.status().code()).isEqualTo(413);
    assertThat(problem(refused))
        .contains("package Too.Big 1.0.0 is larger than this server accepts")
        .contains("--max-package-mb");
    assertThat(api.admin(HttpMethod.GET, "/api/packages/Too.Big/1.0.0", null).status().code())
        .isEqualTo(404);
    try (Stream<Path> incoming =
        Files.list(cuttle.data().resolve("packages").resolve("incoming"))) {
      assertThat(incoming).isEmpty();
    }
  }

  @Test
  void namesThatCouldLeaveTheStoreAndPushesWithoutAKeyAreRefused() throws Exception {
    AggregatedHttpResponse traversal =
        push("id=..%2F..%2Fetc&version=1.0.0", zipLike(10, (byte) 4));
    assertThat(traversal.status().code()).isEqualTo(400);
    assertThat(problem(traversal)).contains("holds '..'");

    AggregatedHttpResponse slash = push("id=%2Fetc%2Fpasswd&version=1.0.0", zipLike(10, (byte) 4));
    assertThat(slash.status().code()).isEqualTo(400);
    assertThat(problem(slash)).startsWith("package id: '/etc/passwd' (expected:");

    AggregatedHttpResponse badName = push("fileName=%2Fevil.1.0.0.zip", zipLike(10, (byte) 4));
    assertThat(badName.status().code()).isEqualTo(400);
    assertThat(problem(badName)).startsWith("package id: '/evil'");

    AggregatedHttpResponse dots = api.admin(HttpMethod.GET, "/api/packages/a..b/1.0.0", null);
    assertThat(dots.status().code()).isEqualTo(400);
    assertThat(problem(dots)).startsWith("package id: 'a..b'");

    AggregatedHttpResponse anonymous =
        api.upload("/api/packages?id=Anon&version=1.0.0", null, zipLike(10, (byte) 5));
    assertThat(anonymous.status().code()).isEqualTo(401);
  }

  @Test
  void everyPackageRouteRefusesIdsAndVersionsThatCouldNameAPathNamingWhatIsAllowed()
      throws Exception {
    List<String> filesBefore = filesOutsideTheDatabase();
    String listBefore = api.admin(HttpMethod.GET, "/api/packages", null).contentUtf8();
    List<String> badIds =
        List.of("../Kept", "a/b", "a\\b", "a\0b", "%2e%2e", "..", "x".repeat(101), "/etc");
    List<String> badVersions = List.of("../1.0.0", "1.0/..", "1.0\\..", "1.0\0", "%2e%2e");
    // A NUL in a URL is refused by the HTTP client before it is sent: the JSON route takes it.
    record Attempt(String id, String version, String expected) {}
    List<Attempt> attempts = new java.util.ArrayList<>();
    badIds.forEach(
        id -> attempts.add(new Attempt(id, "1.0.0", "letters, digits, '.', '_' or '-'")));
    badVersions.forEach(
        version -> attempts.add(new Attempt("Safe", version, "1 to 4 numbers separated by dots")));
    for (Attempt a : attempts) {
      String what = "id " + a.id() + " version " + a.version();
      String query = "id=" + encoded(a.id()) + "&version=" + encoded(a.version());
      String path = "/api/packages/" + encoded(a.id()) + "/" + encoded(a.version());
      String deploy =
          JSON.createObjectNode()
              .put("packageId", a.id())
              .put("version", a.version())
              .put("environment", "Dev")
              .toString();
      List<AggregatedHttpResponse> responses =
          new java.util.ArrayList<>(
              List.of(api.admin(HttpMethod.POST, "/api/tasks/packages", deploy)));
      if (!what.contains("\0")) {
        responses.add(push(query, zipLike(10, (byte) 7)));
        responses.add(api.admin(HttpMethod.GET, path, null));
        responses.add(api.admin(HttpMethod.DELETE, path, null));
      }
      for (AggregatedHttpResponse response : responses) {
        // A JSON body's field longer than its column is refused for its length as it is read.
        String expected =
            response == responses.get(0) && a.id().length() > 100
                ? "packageId: " + a.id().length() + " characters (expected: at most 100)"
                : a.expected();
        assertThat(response.status().code()).as(what).isEqualTo(400);
        assertThat(problem(response))
            .as(what)
            .satisfiesAnyOf(
                detail -> assertThat(detail).contains(expected),
                detail -> assertThat(detail).contains("never contain '..'"));
      }
    }
    assertThat(filesOutsideTheDatabase()).isEqualTo(filesBefore);
    assertThat(api.admin(HttpMethod.GET, "/api/packages", null).contentUtf8())
        .isEqualTo(listBefore);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Every byte but letters and digits percent-encoded, so the server decodes what was meant. */
  private static String encoded(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      if (Character.isLetterOrDigit(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(String.format("%02X", b));
      }
    }
    return out.toString();
  }

  /** Every path under the server's data folder but the database's own files, which change. */
  private static List<String> filesOutsideTheDatabase() throws java.io.IOException {
    Path data = cuttle.data();
    try (Stream<Path> all = Files.walk(data)) {
      return all.map(p -> data.relativize(p).toString())
          .filter(p -> !p.endsWith(".db") && !p.contains(".db."))
          .sorted()
          .toList();
    }
  }

  @Test
  void deployingNeedsAStoredPackageAndTentaclesThatReportedTheyCanExtractIt() throws Exception {
    assertThat(
            api.admin(
                    HttpMethod.POST,
                    "/api/tentacles",
                    TentacleRegistrations.registration(
                        "silent", TentacleRegistrations.newThumbprint()))
                .status()
                .code())
        .isEqualTo(200);

    AggregatedHttpResponse missing =
        api.admin(
            HttpMethod.POST,
            "/api/tasks/packages",
            "{\"packageId\":\"Nowhere\",\"version\":\"1.0.0\",\"tentacles\":[\"silent\"]}");
    assertThat(missing.status().code()).isEqualTo(400);
    assertThat(problem(missing))
        .isEqualTo("no package Nowhere 1.0.0 is stored; push it first (cuttle package push)");

    assertThat(push("id=Old.Tentacles&version=1.0.0", zipLike(10, (byte) 6)).status().code())
        .isEqualTo(201);
    AggregatedHttpResponse unable =
        api.admin(
            HttpMethod.POST,
            "/api/tasks/packages",
            "{\"packageId\":\"Old.Tentacles\",\"version\":\"1.0.0\",\"tentacles\":[\"silent\"]}");
    assertThat(unable.status().code()).isEqualTo(400);
    assertThat(problem(unable))
        .isEqualTo(
            "tentacle(s) [silent] have not reported that they can deploy zip packages (capability"
                + " package:zip); upgrade them, or let them connect once, then deploy again");
  }
}
