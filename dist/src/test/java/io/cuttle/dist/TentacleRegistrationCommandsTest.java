package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static io.cuttle.dist.TentacleInstanceCommandsTest.createInstance;
import static io.cuttle.dist.TentacleInstanceCommandsTest.thumbprintOnDisk;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.TentacleView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Registering with a token, re-registering with --force and deregistering, on a real server. */
@Timeout(180)
class TentacleRegistrationCommandsTest {

  private static Run register(TestFleet fleet, Path base, String instance, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tentacle",
                "register",
                "--instance",
                instance,
                "--home",
                base.toString(),
                "--server",
                fleet.server.info().webUrl(),
                "--comms-address",
                fleet.server.info().pollingUrl(),
                "--environment",
                "Test"));
    args.addAll(List.of(more));
    return cuttle(args.toArray(String[]::new));
  }

  private static Optional<TentacleView> onServer(TestFleet fleet, String name) {
    try (ApiClient api = fleet.api()) {
      return api.tentacles().stream().filter(t -> t.name().equals(name)).findFirst();
    }
  }

  private static String token(TestFleet fleet, long seconds) {
    try (ApiClient api = fleet.api()) {
      return api.createRegistrationToken(seconds).token();
    }
  }

  @Test
  void aTokenRegistersOnceThenDeregisterRemovesTheTentacle(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      Path base = dir.resolve("instances");
      createInstance(base, "web-01");
      createInstance(base, "web-02");
      String token = token(fleet, 600);

      Run first = register(fleet, base, "web-01", "--token", token);
      Run second = register(fleet, base, "web-02", "--token", token);

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(onServer(fleet, "web-01").orElseThrow().thumbprint())
          .isEqualTo(thumbprintOnDisk(base.resolve("web-01")));
      assertThat(second.exitCode()).isEqualTo(1);
      assertThat(second.err()).contains("the registration token was already used");
      assertThat(base.resolve("web-02").resolve("tentacle.json")).doesNotExist();
      Run listed = cuttle("tentacle", "list-instances", "--home", base.toString());
      assertThat(listed.out())
          .containsPattern(
              "web-01 +registered +"
                  + fleet.server.info().webUrl()
                  + " +via router "
                  + fleet.server.info().pollingUrl())
          .containsPattern("web-02 +not registered");

      Run deregistered =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "web-01",
              "--home",
              base.toString(),
              "--api-key",
              fleet.server.adminApiKey());

      assertThat(deregistered.exitCode()).as(deregistered.err()).isZero();
      assertThat(deregistered.out()).contains("Removed tentacle 'web-01'");
      assertThat(onServer(fleet, "web-01")).isEmpty();
      TentacleConfig local = TentacleConfig.load(TentacleHome.of("web-01", base));
      assertThat(local.registered()).isFalse();
      assertThat(cuttle("tentacle", "list-instances", "--home", base.toString()).out())
          .containsPattern("web-01 +deregistered");
      Run run = cuttle("tentacle", "run", "--instance", "web-01", "--home", base.toString());
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("'web-01' was deregistered from");

      Run again =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "web-01",
              "--home",
              base.toString(),
              "--api-key",
              fleet.server.adminApiKey());
      assertThat(again.exitCode()).isZero();
      assertThat(again.out()).contains("already deregistered");
    }
  }

  @Test
  void deregisterTreatsATentacleAlreadyGoneAsDoneAndAWrongKeyAsAnError(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      Path base = dir.resolve("tentacles");
      fleet.register("gone-1", true);
      Path config = base.resolve("gone-1").resolve("tentacle.json");
      String before = Files.readString(config);

      Run wrongKey =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "gone-1",
              "--home",
              base.toString(),
              "--api-key",
              "cuttle_wrong");

      assertThat(wrongKey.exitCode()).isEqualTo(1);
      assertThat(wrongKey.err()).contains("the API key is not valid on this server");
      assertThat(Files.readString(config)).isEqualTo(before);
      assertThat(onServer(fleet, "gone-1")).isPresent();

      try (ApiClient api = fleet.api()) {
        api.deregister("gone-1", null);
      }
      Run run =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "gone-1",
              "--home",
              base.toString(),
              "--api-key",
              fleet.server.adminApiKey());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("was already gone from");
      assertThat(TentacleConfig.load(TentacleHome.of("gone-1", base)).registered()).isFalse();
    }
  }

  @Test
  void registerForceReplacesASameNamedTentacleWithAnotherCertificate(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      Path base = dir.resolve("instances");
      String key = fleet.server.adminApiKey();
      assertThat(register(fleet, base, "old-box", "--name", "app", "--api-key", key).exitCode())
          .isZero();
      String id = onServer(fleet, "app").orElseThrow().id();

      Run refused = register(fleet, base, "new-box", "--name", "app", "--api-key", key);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("already registered with another certificate", "force");
      assertThat(onServer(fleet, "app").orElseThrow().thumbprint())
          .isEqualTo(thumbprintOnDisk(base.resolve("old-box")));

      Run forced = register(fleet, base, "new-box", "--name", "app", "--api-key", key, "--force");

      assertThat(forced.exitCode()).as(forced.err()).isZero();
      TentacleView now = onServer(fleet, "app").orElseThrow();
      assertThat(now.thumbprint()).isEqualTo(thumbprintOnDisk(base.resolve("new-box")));
      assertThat(now.id()).isEqualTo(id);
    }
  }

  @Test
  void newCertificateOnARegisteredInstanceSaysToReRegisterAndForceDoesIt(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      Path base = dir.resolve("instances");
      String key = fleet.server.adminApiKey();
      register(fleet, base, "web-01", "--api-key", key);

      Run rekeyed =
          cuttle("tentacle", "new-certificate", "--instance", "web-01", "--home", base.toString());

      assertThat(rekeyed.exitCode()).isZero();
      String fresh = thumbprintOnDisk(base.resolve("web-01"));
      assertThat(rekeyed.out())
          .contains(fresh)
          .contains("still expects the old thumbprint")
          .contains("cuttle tentacle register --instance web-01 --force");
      assertThat(register(fleet, base, "web-01", "--api-key", key, "--force").exitCode()).isZero();
      assertThat(onServer(fleet, "web-01").orElseThrow().thumbprint()).isEqualTo(fresh);
    }
  }

  @Test
  void tokenMistakesAreRefusedBeforeTheServerIsCalled(@TempDir Path base) {
    List<String> common =
        List.of(
            "tentacle",
            "register",
            "--instance",
            "t1",
            "--home",
            base.toString(),
            "--server",
            "https://localhost:1",
            "--comms-port",
            "10943",
            "--environment",
            "Dev");
    List<String> both = new ArrayList<>(common);
    both.addAll(List.of("--token", "cuttle_rt_x", "--api-key", "k"));
    List<String> malformed = new ArrayList<>(common);
    malformed.addAll(List.of("--token", "cuttle_secretkey"));

    Run bothRun = cuttle(both.toArray(String[]::new));
    Run malformedRun = cuttle(malformed.toArray(String[]::new));

    assertThat(bothRun.exitCode()).isEqualTo(1);
    assertThat(bothRun.err()).contains("give --api-key or --token, not both");
    assertThat(malformedRun.exitCode()).isEqualTo(1);
    assertThat(malformedRun.err())
        .contains("--token: not a registration token")
        .doesNotContain("cuttle_secretkey");
    // No server listens on port 1: had either run called it, the error would say so.
    assertThat(bothRun.err() + malformedRun.err()).doesNotContain("could not reach");
    assertThat(base.resolve("t1")).doesNotExist();
  }
}
