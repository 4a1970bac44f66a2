package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The per-instance commands that need no server: create, re-key, show and list instances. */
@Timeout(120)
class TentacleInstanceCommandsTest {

  static Run createInstance(Path base, String instance, String... more) {
    String[] args = {
      "tentacle", "create-instance", "--instance", instance, "--home", base.toString()
    };
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return cuttle(all);
  }

  static String thumbprintOnDisk(Path home) throws Exception {
    return Thumbprint.of(PemFiles.readCertificate(home.resolve("cert.pem"))).toString();
  }

  @Test
  void createInstanceMakesTheIdentityAndShowThumbprintPrintsIt(@TempDir Path base)
      throws Exception {
    Run created = createInstance(base, "web-01");

    assertThat(created.exitCode()).as(created.err()).isZero();
    Path home = base.resolve("web-01");
    String thumbprint = thumbprintOnDisk(home);
    assertThat(created.out())
        .contains("Created tentacle instance 'web-01'")
        .contains(thumbprint)
        .contains("cuttle tentacle register --instance web-01");
    assertThat(home.resolve("key.pem")).exists();
    assertThat(home.resolve("tentacle.json")).doesNotExist();

    Run shown =
        cuttle("tentacle", "show-thumbprint", "--instance", "web-01", "--home", base.toString());
    assertThat(shown.exitCode()).isZero();
    assertThat(shown.out()).isEqualTo(thumbprint + System.lineSeparator());
  }

  @Test
  void createInstanceRefusesAnExistingOneUnlessForcedAndKeepsTheOldPair(@TempDir Path base)
      throws Exception {
    createInstance(base, "web-01");
    Path home = base.resolve("web-01");
    byte[] key = Files.readAllBytes(home.resolve("key.pem"));
    String original = thumbprintOnDisk(home);

    Run refused = createInstance(base, "web-01");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains("instance 'web-01' already exists in " + home)
        .contains("--force");
    assertThat(Files.readAllBytes(home.resolve("key.pem"))).isEqualTo(key);

    Run forced = createInstance(base, "web-01", "--force");

    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(forced.out()).contains("Re-created");
    assertThat(thumbprintOnDisk(home)).isNotEqualTo(original);
    assertThat(thumbprintOnDisk(home.resolve("previous-identity"))).isEqualTo(original);
  }

  @Test
  void badInstanceNamesAreRefusedBeforeAnythingIsWritten(@TempDir Path base) {
    for (String command : new String[] {"create-instance", "show-thumbprint", "new-certificate"}) {
      Run run = cuttle("tentacle", command, "--instance", "a/b", "--home", base.toString());

      assertThat(run.exitCode()).as(command).isEqualTo(1);
      assertThat(run.err()).as(command).contains("--instance: 'a/b' (expected:");
    }
    assertThat(base.toFile().list()).isEmpty();
  }

  @Test
  void newCertificateReplacesTheKeyAndPrintsTheNewThumbprint(@TempDir Path base) throws Exception {
    createInstance(base, "web-01");
    Path home = base.resolve("web-01");
    String old = thumbprintOnDisk(home);

    Run run =
        cuttle("tentacle", "new-certificate", "--instance", "web-01", "--home", base.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    String now = thumbprintOnDisk(home);
    assertThat(now).isNotEqualTo(old);
    assertThat(run.out())
        .contains("Thumbprint:      " + now)
        .contains("Old thumbprint:  " + old)
        .contains("not registered");
    assertThat(thumbprintOnDisk(home.resolve("previous-identity"))).isEqualTo(old);
    assertThat(home.resolve(".new-identity")).doesNotExist();
  }

  @Test
  void commandsOnAMissingInstanceSayHowToCreateIt(@TempDir Path base) {
    for (String command : new String[] {"show-thumbprint", "new-certificate"}) {
      Run run = cuttle("tentacle", command, "--instance", "ghost", "--home", base.toString());

      assertThat(run.exitCode()).as(command).isEqualTo(1);
      assertThat(run.err())
          .as(command)
          .contains("there is no instance 'ghost'")
          .contains("cuttle tentacle create-instance --instance ghost");
    }
    assertThat(base.resolve("ghost")).doesNotExist();
  }

  @Test
  void newCertificateLeavesACorruptConfigurationAndTheKeyAlone(@TempDir Path base)
      throws Exception {
    createInstance(base, "web-01");
    Path home = base.resolve("web-01");
    Files.writeString(home.resolve("tentacle.json"), "{ half");
    String old = thumbprintOnDisk(home);

    Run run =
        cuttle("tentacle", "new-certificate", "--instance", "web-01", "--home", base.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("not a readable tentacle configuration");
    assertThat(thumbprintOnDisk(home)).isEqualTo(old);
    assertThat(Files.readString(home.resolve("tentacle.json"))).isEqualTo("{ half");
  }

  @Test
  void listInstancesShowsEachInstanceEvenABrokenOne(@TempDir Path base) throws Exception {
    Run empty = cuttle("tentacle", "list-instances", "--home", base.toString());
    assertThat(empty.exitCode()).isZero();
    assertThat(empty.out()).contains("No tentacle instances in " + base);

    createInstance(base, "a-new");
    createInstance(base, "b-broken");
    Files.writeString(base.resolve("b-broken").resolve("tentacle.json"), "nope");
    createInstance(base, "c-registered");
    new TentacleConfig(
            1,
            "c-registered",
            "T-1",
            "https://deploy.example.com:443",
            "https://polling.deploy.example.com:443",
            io.cuttle.wire.api.CommsStyle.POLLING_ADDRESS,
            "AB".repeat(32),
            "Dev",
            java.util.List.of(),
            1L,
            null)
        .save(TentacleHome.of("c-registered", base));
    Files.createDirectories(base.resolve("not-an-instance"));

    Run run = cuttle("tentacle", "list-instances", "--home", base.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().toList())
        .hasSize(5)
        .satisfies(lines -> assertThat(lines.get(0)).contains("INSTANCE", "STATE", "SERVER"));
    assertThat(run.out())
        .containsPattern("a-new +not registered +- +- +" + thumbprintOnDisk(base.resolve("a-new")))
        .containsPattern("b-broken +broken")
        .contains("problem: ")
        .containsPattern(
            "c-registered +registered +https://deploy.example.com:443"
                + " +via router https://polling.deploy.example.com:443 +"
                + thumbprintOnDisk(base.resolve("c-registered")))
        .doesNotContain("not-an-instance");
  }

  @Test
  void listInstancesAsJsonGivesEachInstanceAndItsServers(@TempDir Path base) throws Exception {
    Run empty = cuttle("tentacle", "list-instances", "--home", base.toString(), "--output", "json");
    assertThat(empty.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(empty.out()).isArray()).isTrue();
    assertThat(new ObjectMapper().readTree(empty.out())).isEmpty();

    createInstance(base, "a-new");
    createInstance(base, "c-registered");
    new TentacleConfig(
            1,
            "c-registered",
            "T-1",
            "https://deploy.example.com:443",
            "https://polling.deploy.example.com:443",
            io.cuttle.wire.api.CommsStyle.POLLING_ADDRESS,
            "AB".repeat(32),
            "Dev",
            java.util.List.of("web"),
            1L,
            null)
        .save(TentacleHome.of("c-registered", base));

    Run run = cuttle("tentacle", "list-instances", "--home", base.toString(), "--output", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(run.out());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("instance").asText()).isEqualTo("a-new");
    assertThat(rows.get(0).get("state").asText()).isEqualTo("not registered");
    assertThat(rows.get(0).get("servers")).isEmpty();
    JsonNode registered = rows.get(1);
    assertThat(registered.get("instance").asText()).isEqualTo("c-registered");
    assertThat(registered.get("state").asText()).isEqualTo("registered");
    assertThat(registered.get("thumbprint").asText())
        .isEqualTo(thumbprintOnDisk(base.resolve("c-registered")));
    JsonNode server = registered.get("servers").get(0);
    assertThat(server.get("serverUrl").asText()).isEqualTo("https://deploy.example.com:443");
    assertThat(server.get("pollingUrl").asText())
        .isEqualTo("https://polling.deploy.example.com:443");
    assertThat(server.get("commsStyle").asText()).isEqualTo("POLLING_ADDRESS");
    assertThat(server.get("environment").asText()).isEqualTo("Dev");
    assertThat(server.get("roles").get(0).asText()).isEqualTo("web");
  }
}
