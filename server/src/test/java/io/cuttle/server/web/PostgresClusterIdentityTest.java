package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.data.NodeFiles;
import io.cuttle.server.data.PostgresPerClass;
import io.cuttle.server.data.Secrets;
import io.cuttle.server.identity.ServerIdentities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node joins the others on one PostgreSQL database only with their server certificate and secrets
 * key; one without is refused at start with what differs and what to copy, and leaves the database
 * as it was. Activating a rotated certificate moves what the nodes must present.
 */
@Timeout(180)
class PostgresClusterIdentityTest {
  @RegisterExtension static final PostgresPerClass postgres = new PostgresPerClass();

  @TempDir Path dir;
  private Path firstData;
  private Path secondData;
  private CuttleServer first;

  @BeforeEach
  void startFirstNode() throws Exception {
    postgres.server().reset();
    firstData = dir.resolve("node-1");
    secondData = dir.resolve("node-2");
    first = startNode("node-1");
  }

  @AfterEach
  void stopFirstNode() {
    first.close();
  }

  private CuttleServer startNode(String name) throws Exception {
    return ServerPerClass.start(
        dir.resolve(name),
        b ->
            b.database(postgres.server().jdbcUrl(), postgres.server().user(), null)
                .nodeName(name)
                // No beat while a test compares the database before and after a refusal.
                .nodeHeartbeat(Duration.ofHours(1)));
  }

  /** Every table's rows, digested: what a refused node must not change. */
  private static Map<String, String> database() throws Exception {
    Map<String, String> digests = new TreeMap<>();
    try (Connection connection =
            DriverManager.getConnection(postgres.server().jdbcUrl(), postgres.server().user(), "");
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    + " FROM \""
                    + table
                    + "\" t")) {
          rs.next();
          digests.put(table, rs.getLong(1) + " rows " + rs.getString(2));
        }
      }
    }
    assertThat(digests).containsKeys("cluster_identity", "server_nodes", "api_keys");
    return digests;
  }

  /** A data directory set up on its own, as if the node had been started without the guide. */
  private static String ownIdentity(Path data) throws Exception {
    new Secrets(data).ensureKey();
    return ServerIdentities.open(data, "cuttle-server localhost", List.of("localhost"))
        .current()
        .thumbprint()
        .toString();
  }

  @Test
  void aNodeWithItsOwnIdentityIsRefusedAndChangesNothing() throws Exception {
    Files.createDirectories(secondData);
    String own = ownIdentity(secondData);
    Map<String, String> before = database();

    assertThatThrownBy(() -> startNode("node-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node node-2 cannot join the nodes sharing this database")
        .hasMessageContaining(
            secondData.resolve("identity").resolve("cert.pem")
                + " has thumbprint "
                + own
                + ", but every node here presents "
                + first.thumbprint())
        .hasMessageContaining(secondData.resolve(Secrets.FILE) + " is another key")
        .hasMessageContaining(
            "replace identity/ and secrets.key in "
                + secondData
                + " with copies of those in node-1's data directory")
        .hasMessageContaining("docs/high-availability.md");
    assertThat(database()).isEqualTo(before);
  }

  @Test
  void aNodeGivenNothingIsRefusedBeforeItMakesAKeyOfItsOwn() throws Exception {
    Map<String, String> before = database();

    assertThatThrownBy(() -> startNode("node-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(secondData.resolve("identity") + "/ is missing")
        .hasMessageContaining(secondData.resolve(Secrets.FILE) + " is missing")
        .hasMessageContaining(
            "copy identity/ and secrets.key from node-1's data directory into " + secondData);
    assertThat(secondData.resolve("identity")).doesNotExist();
    assertThat(secondData.resolve(Secrets.FILE)).doesNotExist();
    assertThat(database()).isEqualTo(before);
  }

  @Test
  void aNodeWithTheCertificateButAnotherSecretsKeyIsRefused() throws Exception {
    NodeFiles.copyDirectory(firstData.resolve("identity"), secondData.resolve("identity"));
    new Secrets(secondData).ensureKey();
    Map<String, String> before = database();

    assertThatThrownBy(() -> startNode("node-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(secondData.resolve(Secrets.FILE) + " is another key")
        .hasMessageNotContaining("has thumbprint")
        .hasMessageContaining("replace secrets.key in " + secondData);
    assertThat(database()).isEqualTo(before);
  }

  @Test
  void aNodeWithCopiesOfBothJoins() throws Exception {
    NodeFiles.copyIdentity(firstData, secondData);

    try (CuttleServer second = startNode("node-2")) {
      assertThat(second.thumbprint()).isEqualTo(first.thumbprint());
    }
  }

  /** The rotation in docs/high-availability.md, step by step. */
  @Test
  void afterAnActivationOnlyNodesPresentingTheActivatedCertificateJoin() throws Exception {
    NodeFiles.copyIdentity(firstData, secondData);
    try (ApiCaller api = new ApiCaller(first)) {
      // Step 1: the next certificate is made on node 1 and copied; a node holding it joins.
      AggregatedHttpResponse made =
          api.admin(HttpMethod.POST, "/api/server-certificate/next", null);
      assertThat(made.status().code()).as(made.contentUtf8()).isEqualTo(201);
      NodeFiles.copyDirectory(
          firstData.resolve("identity-next"), secondData.resolve("identity-next"));
      String next = json(made).get("nextThumbprint").asText();
      try (CuttleServer second = startNode("node-2");
          ApiCaller secondApi = new ApiCaller(second)) {
        // Step 3: activated on node 1; node 2, still presenting the old one, may not activate too.
        AggregatedHttpResponse activated =
            api.admin(HttpMethod.POST, "/api/server-certificate/activate", null);
        assertThat(activated.status().code()).as(activated.contentUtf8()).isEqualTo(200);
        assertThat(first.thumbprint()).hasToString(next);
        AggregatedHttpResponse late =
            secondApi.admin(HttpMethod.POST, "/api/server-certificate/activate", null);
        assertThat(late.status().code()).isEqualTo(409);
        assertThat(ApiCaller.problem(late))
            .contains(
                "not activating: node-1 made " + next + " the certificate every node presents")
            .contains("activate on node-1 instead");
      }
    }
    Map<String, String> before = database();

    assertThatThrownBy(() -> startNode("node-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("but every node here presents " + first.thumbprint())
        .hasMessageContaining("node-1 activated this node's next certificate since")
        .hasMessageContaining("identity-previous/")
        .hasMessageContaining("delete identity-next/ there");
    assertThat(database()).isEqualTo(before);

    NodeFiles.copyDirectory(firstData.resolve("identity"), secondData.resolve("identity"));
    NodeFiles.copyDirectory(
        firstData.resolve("identity-previous"), secondData.resolve("identity-previous"));
    deleteDirectory(secondData.resolve("identity-next"));
    try (CuttleServer second = startNode("node-2")) {
      assertThat(second.thumbprint()).isEqualTo(first.thumbprint());
    }
  }

  private static void deleteDirectory(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(directory);
  }
}
