package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.TentacleHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle tentacle check} against a real server, healthy and broken in the usual ways. */
@Timeout(120)
class TentacleCheckTest {
  private static Run check(TestFleet fleet, String instance) {
    return cuttle(
        "tentacle",
        "check",
        "--instance",
        instance,
        "--home",
        fleet.directory.resolve("tentacles").toString());
  }

  @Test
  void aHealthyTentaclePassesEveryStepThroughTheRouterAndTheLegacyPort(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.register("routed", true);
      fleet.register("legacy", false);

      Run routed = check(fleet, "routed");
      Run legacy = check(fleet, "legacy");

      assertThat(routed.exitCode()).as(routed.out() + routed.err()).isZero();
      assertThat(routed.out())
          .contains(
              "1. Name resolution of polling.localhost",
              "2. TCP connection to 127.0.0.1:" + fleet.publicPort(),
              "3. TLS handshake (server name polling.localhost)",
              "server certificate " + fleet.server.thumbprint(),
              "4. Server identity",
              "5. Route to the polling listener",
              "6. Registration",
              "knows this tentacle as 'routed', arriving from 127.0.0.1 via router",
              "All checks passed")
          .doesNotContain("FAILED");
      assertThat(legacy.exitCode()).as(legacy.out()).isZero();
      assertThat(legacy.out()).contains("arriving from 127.0.0.1 via legacy port");
      assertThat(routed.out() + legacy.out())
          .as("both are addresses the server advertises")
          .doesNotContain("not an address the server advertises");
    }
  }

  @Test
  void theWebNameAndATypoWorkThroughTheMarkerAndTheCheckSaysWhatTheServerAdvertises(
      @TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      // The public port without the polling name: the router still sends the tentacle to the
      // polling listener, by the ALPN marker it offers, and so must the check's probe.
      fleet.register("web-name", "https://localhost:" + fleet.publicPort());
      fleet.register("typo", "https://pollng.localhost:" + fleet.publicPort());
      String advertised =
          "it is not an address the server advertises ("
              + fleet.server.info().pollingUrl()
              + " (polling name) or https://localhost:"
              + fleet.server.info().legacyPollingPort()
              + " (legacy port))";

      for (String instance : List.of("web-name", "typo")) {
        Run run = check(fleet, instance);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
            .contains(
                "5. Route to the polling listener",
                "leads to the polling listener; " + advertised,
                "6. Registration",
                "knows this tentacle as '" + instance + "', arriving from 127.0.0.1 via router",
                "All checks passed")
            .doesNotContain("FAILED", "Ask its admin to route");
      }
    }
  }

  @Test
  void aTentacleTheServerDoesNotKnowIsToldToRegisterAgain(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("forgotten", true);
      // A new key pair the server never saw, as after a lost or replaced certificate.
      PemFiles.write(
          home.directory(), SelfSignedCertificates.create("forgotten", List.of("forgotten")));

      Run run = check(fleet, "forgotten");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains(
              "5. Route to the polling listener",
              "6. Registration",
              "the server does not know this tentacle's certificate",
              "register it again with 'cuttle tentacle register --force'");
    }
  }

  @Test
  void aClosedPortSaysWhatToAskTheFirewallAdminFor(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int closed = TestFleet.freePort();
      fleet.register("blocked", "https://polling.localhost:" + closed);

      Run run = check(fleet, "blocked");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains(
              "2. TCP connection to 127.0.0.1:" + closed,
              "refused",
              "Ask the firewall admin to allow outbound TCP to polling.localhost port " + closed,
              "The server advertises " + fleet.server.info().pollingUrl() + " (polling name)")
          .doesNotContain("3. TLS");
    }
  }
}
