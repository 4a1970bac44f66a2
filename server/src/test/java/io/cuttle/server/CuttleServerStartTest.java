package io.cuttle.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.auth.AuthToken;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CuttleServerStartTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static ServerConfig config(Path data, int publicPort, int legacyPort) {
    return ServerConfig.builder()
        .dataDirectory(data)
        .publicAddress(new InetSocketAddress(LOOPBACK, publicPort))
        .legacyPollingAddress(new InetSocketAddress(LOOPBACK, legacyPort))
        .adminAddress(new InetSocketAddress(LOOPBACK, 0))
        .build();
  }

  @Test
  void firstStartWritesOwnerOnlyKeysAndTheAdminKeyThenReusesThem(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    String key;
    String thumbprint;
    String password;
    try (CuttleServer server = CuttleServer.start(config(data, 0, 0))) {
      password = Files.readString(server.adminPasswordFile()).trim();
      assertThat(server.adminPasswordFile())
          .isEqualTo(data.resolve("admin-password").toAbsolutePath());
      assertThat(password).hasSize(24);
      key = server.adminApiKey();
      thumbprint = server.thumbprint().toString();
      assertThat(server.adminApiKeyFile())
          .isEqualTo(data.resolve("admin-api-key").toAbsolutePath());
    }
    assertThat(Files.readString(data.resolve("admin-api-key")).trim()).isEqualTo(key);
    for (Path secret :
        new Path[] {
          data,
          data.resolve("admin-api-key"),
          data.resolve("admin-password"),
          data.resolve("identity/key.pem")
        }) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)).substring(3))
          .as("group and others may not touch " + secret)
          .isEqualTo("------");
    }

    try (CuttleServer again = CuttleServer.start(config(data, 0, 0))) {
      assertThat(again.adminApiKey()).isEqualTo(key);
      assertThat(again.thumbprint().toString()).isEqualTo(thumbprint);
    }
    // The admin user exists now: a later start leaves its password alone.
    assertThat(Files.readString(data.resolve("admin-password")).trim()).isEqualTo(password);
  }

  @Test
  void aRevokedBootstrapKeyStaysRevokedAcrossRestarts(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (CuttleServer server = CuttleServer.start(config(data, 0, 0));
        ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
      WebClient api = client(server, factory);
      String id =
          new ObjectMapper()
              .readTree(api.get("/api/api-keys").aggregate().join().contentUtf8())
              .get(0)
              .get("id")
              .asText();
      assertThat(api.delete("/api/api-keys/" + id).aggregate().join().status().code())
          .isEqualTo(200);
    }

    try (CuttleServer again = CuttleServer.start(config(data, 0, 0));
        ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
      assertThat(client(again, factory).get("/api/tasks").aggregate().join().status().code())
          .isEqualTo(401);
    }
  }

  private static WebClient client(CuttleServer server, ClientFactory factory) {
    return WebClient.builder("https://127.0.0.1:" + server.publicPort())
        .factory(factory)
        .auth(AuthToken.ofOAuth2(server.adminApiKey()))
        .build();
  }

  @Test
  void aBusyPortIsNamedAndNothingIsLeftRunning(@TempDir Path dir) throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, LOOPBACK)) {
      int taken = busy.getLocalPort();

      assertThatThrownBy(() -> CuttleServer.start(config(dir.resolve("a"), 0, taken)))
          .hasMessageContaining("cannot listen on the legacy polling port " + taken)
          .hasMessageContaining("already in use");
      assertThatThrownBy(() -> CuttleServer.start(config(dir.resolve("b"), taken, 0)))
          .hasMessageContaining("cannot listen on the public port " + taken);
    }
    // The failed starts closed what they had opened: the same data directory starts cleanly.
    try (CuttleServer server = CuttleServer.start(config(dir.resolve("a"), 0, 0))) {
      assertThat(server.publicPort()).isPositive();
    }
  }
}
