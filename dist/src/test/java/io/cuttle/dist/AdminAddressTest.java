package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.testkit.ExternalProcess;
import io.cuttle.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle server --admin-address}: where it serves metrics and health, and bad values. */
@Timeout(150)
class AdminAddressTest {
  @Test
  void theServerServesHealthAndMetricsWhereToldAndSaysWhereInItsBanner(@TempDir Path dir)
      throws Exception {
    int port = TestFleet.freePort();
    int adminPort = TestFleet.freePort();
    try (ExternalProcess server =
        CuttleProcess.start(
            "server",
            dir.resolve("server.log"),
            "256m",
            "server",
            "--data",
            dir.resolve("data").toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--admin-address",
            "127.0.0.1:" + adminPort,
            "--legacy-port",
            "0")) {
      server.awaitOutput(
          "Admin (metrics, health): http://127.0.0.1:"
              + adminPort
              + "/metrics, /health/live, /health/ready",
          Duration.ofSeconds(120));

      HttpClient http = HttpClient.newHttpClient();
      for (String page : new String[] {"/health/live", "/health/ready"}) {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + page)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(page + ": " + answer.body()).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  PrometheusText.scrape("127.0.0.1:" + adminPort).get("cuttle_database_available")
                      == 1);
    }
  }

  @Test
  void anAddressThatCannotWorkIsRefusedNamingTheOption(@TempDir Path dir) {
    String data = dir.resolve("data").toString();

    String port = Integer.toString(TestFleet.freePort());

    Run notAnAddress =
        CommandLineTest.cuttle(
            "server",
            "--data",
            data,
            "--port",
            "0",
            "--legacy-port",
            "0",
            "--admin-address",
            "9902");
    Run publicPort =
        CommandLineTest.cuttle(
            "server",
            "--data",
            data,
            "--port",
            port,
            "--legacy-port",
            "0",
            "--admin-address",
            "127.0.0.1:" + port);

    assertThat(notAnAddress.exitCode()).isEqualTo(1);
    assertThat(notAnAddress.err())
        .contains("--admin-address: '9902' (expected: HOST:PORT such as 10.0.0.5:8443");
    assertThat(publicPort.exitCode()).isEqualTo(1);
    assertThat(publicPort.err())
        .contains(
            "--admin-address 127.0.0.1:"
                + port
                + " uses the port of --port "
                + port
                + ": the admin pages need a port of their own");
    assertThat(dir.resolve("data")).doesNotExist();
  }
}
