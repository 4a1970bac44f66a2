package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS clients from outside the project (curl, openssl) through the server's public port. */
@Timeout(120)
class ExternalClientsTest {

  record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void curlReachesTheWebAppThroughThePublicPort(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int port = fleet.server.publicPort();

      Result health = run("curl", "-sS", "--insecure", "https://localhost:" + port + "/api/health");
      Result page = run("curl", "-sS", "--insecure", "https://localhost:" + port + "/");

      assertThat(health.exitCode()).as(health.output()).isZero();
      assertThat(health.output()).contains("\"status\":\"ok\"");
      assertThat(page.output()).contains("<title>Cuttle</title>");
      assertThat(fleet.server.publicPortStats().routed("web")).isEqualTo(2);
    }
  }

  @Test
  void opensslSeesTheServersOwnCertificateOnThePollingNameTlsIsNotTerminated(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int port = fleet.server.publicPort();

      Result thumbprint =
          run(
              "bash",
              "-c",
              "openssl s_client -connect 127.0.0.1:"
                  + port
                  + " -servername polling.localhost </dev/null 2>/dev/null"
                  + " | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1");

      assertThat(thumbprint.output().trim().toUpperCase())
          .isEqualTo(fleet.server.thumbprint().toString());
      assertThat(fleet.server.publicPortStats().routed("polling")).isEqualTo(1);
    }
  }

  @Test
  void curlWithoutACertificateGetsAPageSayingWhereItIsButNoCommand(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int port = fleet.server.publicPort();
      String resolve = "polling.localhost:" + port + ":127.0.0.1";
      String base = "https://polling.localhost:" + port;

      Result page = run("curl", "-sS", "--insecure", "--resolve", resolve, base + "/");
      Result poll =
          run(
              "curl",
              "-sS",
              "--insecure",
              "--max-time",
              "10",
              "-i",
              "--resolve",
              resolve,
              "-X",
              "POST",
              "-H",
              "content-type: application/grpc",
              base + "/cuttle.polling.v1.PollingService/Poll");

      assertThat(page.exitCode()).as(page.output()).isZero();
      assertThat(page.output())
          .contains("Cuttle polling listener", fleet.server.thumbprint().toString());
      assertThat(poll.output())
          .as("no command without a registered certificate")
          .isNotEqualTo("200");
      assertThat(fleet.server.refusedConnections().list())
          .anySatisfy(r -> assertThat(r.reason()).isEqualTo("no client certificate"));
      assertThat(fleet.server.publicPortStats().routed("polling")).isEqualTo(2);
    }
  }
}
