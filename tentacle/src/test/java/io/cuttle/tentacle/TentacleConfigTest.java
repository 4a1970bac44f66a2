package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.api.CommsStyle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TentacleConfigTest {

  private static TentacleConfig config(String name) {
    return new TentacleConfig(
        TentacleConfig.FORMAT_VERSION,
        name,
        "T-1",
        "https://localhost:8443",
        "https://polling.localhost:8443",
        CommsStyle.POLLING_ADDRESS,
        "AB".repeat(32),
        "Dev",
        List.of("web"),
        1L,
        null);
  }

  @Test
  void savesOwnerOnlyAndLoadsTheSameValues(@TempDir Path base) throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    config("web-01").save(home);

    assertThat(TentacleConfig.load(home)).isEqualTo(config("web-01"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.configFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void explainsAMissingAndACorruptConfigurationWithoutTouchingIt(@TempDir Path base)
      throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    assertThatThrownBy(() -> TentacleConfig.load(home))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'web-01' is not registered")
        .hasMessageContaining("cuttle tentacle register --instance web-01");

    Files.createDirectories(home.directory());
    Files.writeString(home.configFile(), "{ half a file");
    assertThatThrownBy(() -> TentacleConfig.load(home))
        .hasMessageContaining(home.configFile().toString())
        .hasMessageContaining("not a readable tentacle configuration");
    assertThat(Files.readString(home.configFile())).isEqualTo("{ half a file");
  }

  @Test
  void aProxySettingIsStoredWithItsAccountAndNeverPrinted(@TempDir Path base) throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    TentacleProxy proxy = TentacleProxy.http("http://proxy.corp:3128", "deploy", "hunter2");
    TentacleConfig config = config("web-01").withProxy(proxy);
    config.save(home);

    assertThat(Files.readString(home.configFile()))
        .contains("\"proxy\" : {", "\"mode\" : \"http\"", "\"url\" : \"http://proxy.corp:3128\"");
    assertThat(TentacleConfig.load(home).proxySetting()).isEqualTo(proxy);
    assertThat(config.toString()).doesNotContain("hunter2");
    assertThat(proxy.describe()).isEqualTo("through http://proxy.corp:3128 as user 'deploy'");
    assertThat(proxy.policy(java.util.Map.of()).proxyFor("polling.localhost")).isPresent();
  }

  @Test
  void theServersNextThumbprintIsPinnedBesideTheCurrentUntilPromoted(@TempDir Path base)
      throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    Thumbprint current = Thumbprint.parse("AB".repeat(32));
    Thumbprint next = Thumbprint.parse("CD".repeat(32));
    config("web-01").save(home);
    assertThat(Files.readString(home.configFile())).doesNotContain("nextServerThumbprint");
    assertThat(TentacleConfig.load(home).serverPins()).containsExactly(current);

    TentacleConfig pinned = TentacleConfig.load(home);
    pinned.withServerPins(pinned.primaryServer().withNextServerThumbprint(next)).save(home);
    assertThat(TentacleConfig.load(home).serverPins()).containsExactlyInAnyOrder(current, next);

    TentacleConfig switching = TentacleConfig.load(home);
    switching
        .withServerPins(switching.primaryServer().withNextServerThumbprintPromoted())
        .save(home);
    TentacleConfig promoted = TentacleConfig.load(home);
    assertThat(promoted.serverThumbprint()).isEqualTo(next.toString());
    assertThat(promoted.nextServerThumbprint()).isNull();
    assertThat(promoted.serverPins()).containsExactly(next);
  }

  @Test
  void aFileWithoutAProxyFollowsTheEnvironment(@TempDir Path base) throws Exception {
    TentacleHome home = TentacleHome.of("old-01", base);
    config("old-01").save(home);

    assertThat(Files.readString(home.configFile())).doesNotContain("proxy");
    assertThat(TentacleConfig.load(home).proxySetting()).isEqualTo(TentacleProxy.environment());
    assertThat(
            TentacleConfig.load(home)
                .proxySetting()
                .policy(java.util.Map.of("HTTPS_PROXY", "http://proxy.corp:3128"))
                .proxyFor("deploy.example.com"))
        .isPresent();
  }

  @Test
  void proxyInputIsCheckedWithAMessageNamingIt() {
    assertThatThrownBy(() -> TentacleProxy.http("ftp://x", null, null))
        .hasMessage("--proxy: 'ftp://x' (expected: http://host:port)");
    assertThatThrownBy(() -> TentacleProxy.http("http://proxy:3128", null, "p"))
        .hasMessage("--proxy-password needs --proxy-user");
    assertThatThrownBy(() -> TentacleProxy.http("http://u:p@proxy:3128", "v", null))
        .hasMessageContaining("not both");
    assertThat(TentacleProxy.http("http://u:p@proxy:3128", null, null))
        .isEqualTo(new TentacleProxy(TentacleProxy.Mode.HTTP, "http://proxy:3128", "u", "p"));
  }

  @Test
  void instanceNamesAreCheckedBeforeAnyFolderIsMade(@TempDir Path base) {
    assertThatThrownBy(() -> TentacleHome.of("../escape", base))
        .hasMessageContaining("--instance: '../escape'");
    assertThat(TentacleHome.of("ok.1", base).directory())
        .isEqualTo(base.resolve("ok.1").toAbsolutePath());
  }

  @Test
  void aDeregisteredMarkRoundTripsAndOlderFilesWithoutItAreRegistered(@TempDir Path base)
      throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    config("web-01").save(home);
    assertThat(Files.readString(home.configFile())).doesNotContain("deregisteredAtMillis");
    assertThat(TentacleConfig.load(home).registered()).isTrue();

    config("web-01").deregistered(42L).save(home);

    TentacleConfig loaded = TentacleConfig.load(home);
    assertThat(loaded.registered()).isFalse();
    assertThat(loaded.deregisteredAtMillis()).isEqualTo(42L);
    assertThat(loaded.serverUrl()).isEqualTo("https://localhost:8443");
  }

  @Test
  void aFileWithOneServerHasNoAddedServersAndKeepsNoneOnSave(@TempDir Path base) throws Exception {
    TentacleHome home = TentacleHome.of("old-01", base);
    config("old-01").save(home);

    TentacleConfig loaded = TentacleConfig.load(home);
    assertThat(Files.readString(home.configFile())).doesNotContain("additionalServers");
    assertThat(loaded.additionalServers()).isEmpty();
    assertThat(loaded.activeServers()).containsExactly(config("old-01").primaryServer());
  }

  @Test
  void addedServersAreStoredAndFoundByTheirUrlHoweverItIsWritten(@TempDir Path base)
      throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    ServerLink other =
        new ServerLink(
            "web-01",
            "T-2",
            "https://Deploy.Example.com/",
            "https://deploy.example.com:10943",
            CommsStyle.LEGACY_PORT,
            "CD".repeat(32),
            "Prod",
            List.of("web"),
            2L,
            null);
    config("web-01").withAdditionalServer(other).withProxy(TentacleProxy.direct()).save(home);

    TentacleConfig loaded = TentacleConfig.load(home);
    assertThat(loaded.additionalServers()).containsExactly(other);
    assertThat(loaded.server("https://deploy.example.com:443")).contains(other);
    assertThat(loaded.deregistered(3L).activeServers()).containsExactly(other);
    assertThat(loaded.withoutAdditionalServer("https://deploy.example.com").additionalServers())
        .isEmpty();
  }

  @Test
  void eachServerKeepsItsOwnNextServerPin(@TempDir Path base) throws Exception {
    TentacleHome home = TentacleHome.of("web-01", base);
    ServerLink other =
        new ServerLink(
            "web-01",
            "T-2",
            "https://other.example.com",
            "https://polling.other.example.com",
            CommsStyle.POLLING_ADDRESS,
            "CD".repeat(32),
            "Prod",
            List.of("web"),
            2L,
            null);
    Thumbprint next = Thumbprint.parse("EF".repeat(32));
    TentacleConfig config = config("web-01").withAdditionalServer(other);

    config.withServerPins(other.withNextServerThumbprint(next)).save(home);

    TentacleConfig pinned = TentacleConfig.load(home);
    assertThat(pinned.nextServerThumbprint()).as("the first server has no rotation").isNull();
    assertThat(pinned.additionalServers().get(0).serverPins())
        .containsExactlyInAnyOrder(Thumbprint.parse("CD".repeat(32)), next);

    pinned
        .withServerPins(pinned.additionalServers().get(0).withNextServerThumbprintPromoted())
        .save(home);

    TentacleConfig promoted = TentacleConfig.load(home);
    assertThat(promoted.additionalServers().get(0).serverPins()).containsExactly(next);
    assertThat(promoted.serverPins()).containsExactly(Thumbprint.parse("AB".repeat(32)));
  }
}
