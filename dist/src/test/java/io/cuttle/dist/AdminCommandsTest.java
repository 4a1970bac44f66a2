package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.RegisterTentacleRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle user}, {@code cuttle api-key} and {@code cuttle registration-token}, on a real
 * server.
 */
@Timeout(180)
class AdminCommandsTest {
  @TempDir static Path dir;
  private static TestFleet fleet;

  @BeforeAll
  static void startServer() throws Exception {
    fleet = new TestFleet(dir);
  }

  @AfterAll
  static void stopServer() {
    fleet.close();
  }

  /** Runs cuttle with the server's address and, unless one is given, the admin key. */
  private static Run admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", fleet.server.info().webUrl()));
    if (!all.contains("--api-key")) {
      all.addAll(List.of("--api-key", fleet.server.adminApiKey()));
    }
    return cuttle(all.toArray(String[]::new));
  }

  private static Path passwordFile(String password) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "password", ".txt"), password + "\n");
  }

  private static String secretLine(Run run, String prefix) {
    Matcher matcher =
        Pattern.compile("(?m)^(" + Pattern.quote(prefix) + "\\S+)$").matcher(run.out());
    assertThat(matcher.find()).as(run.out()).isTrue();
    return matcher.group(1);
  }

  @Test
  void usersAreCreatedListedAndGivenNewPasswords() throws Exception {
    Run created =
        admin(
            "user",
            "create",
            "ops-anna",
            "--role",
            "viewer",
            "--password-file",
            passwordFile("a long enough password").toString());
    Run again =
        admin(
            "user",
            "create",
            "ops-anna",
            "--role",
            "viewer",
            "--password-file",
            passwordFile("a long enough password").toString());
    Run badRole =
        admin(
            "user",
            "create",
            "ops-bert",
            "--role",
            "root",
            "--password-file",
            passwordFile("a long enough password").toString());
    Run changed =
        admin(
            "user",
            "set-password",
            "ops-anna",
            "--password-file",
            passwordFile("another long password").toString());
    Run unknown =
        admin(
            "user",
            "set-password",
            "nobody",
            "--password-file",
            passwordFile("another long password").toString());
    Run noFile =
        admin(
            "user",
            "create",
            "ops-carl",
            "--role",
            "viewer",
            "--password-file",
            dir.resolve("missing.txt").toString());
    Run listed = admin("user", "list");

    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("Created user ops-anna (viewer)");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("a user named 'ops-anna' exists already");
    assertThat(badRole.exitCode()).isEqualTo(1);
    assertThat(badRole.err()).contains("role: 'root' (expected one of:");
    assertThat(changed.exitCode()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("Changed the password of ops-anna");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no user named 'nobody'");
    assertThat(noFile.exitCode()).isEqualTo(1);
    assertThat(noFile.err()).contains("--password-file").contains("no such file");
    assertThat(listed.out())
        .containsPattern("ops-anna +viewer +created ")
        .doesNotContain("ops-bert");
  }

  @Test
  void usersAreDisabledEnabledGivenAnotherRoleAndDeleted() throws Exception {
    admin(
        "user",
        "create",
        "ops-dana",
        "--role",
        "viewer",
        "--password-file",
        passwordFile("a long enough password").toString());
    String key =
        secretLine(admin("api-key", "create", "--user", "ops-dana", "--label", "cron"), "cuttle_");

    Run disabled = admin("user", "disable", "ops-dana");
    Run listedDisabled = admin("user", "list");
    Run refusedWhileDisabled = admin("fleet", "list", "--api-key", key);
    Run enabled = admin("user", "enable", "ops-dana");
    Run usedWhileEnabled = admin("fleet", "list", "--api-key", key);
    Run promoted = admin("user", "set-role", "ops-dana", "admin");
    Run badRole = admin("user", "set-role", "ops-dana", "root");
    Run deleted = admin("user", "delete", "ops-dana");
    Run deletedAgain = admin("user", "delete", "ops-dana");
    Run refusedAfterDelete = admin("fleet", "list", "--api-key", key);

    assertThat(disabled.exitCode()).as(disabled.err()).isZero();
    assertThat(disabled.out())
        .contains("Disabled ops-dana")
        .contains("cuttle user enable ops-dana");
    assertThat(listedDisabled.out())
        .containsPattern("ops-dana +viewer +created \\S+  DISABLED since ");
    assertThat(refusedWhileDisabled.exitCode()).isEqualTo(1);
    assertThat(refusedWhileDisabled.err()).contains("disabled or deleted");
    assertThat(enabled.exitCode()).as(enabled.err()).isZero();
    assertThat(enabled.out()).contains("Enabled ops-dana");
    assertThat(usedWhileEnabled.exitCode()).as(usedWhileEnabled.err()).isZero();
    assertThat(promoted.exitCode()).as(promoted.err()).isZero();
    assertThat(promoted.out()).contains("ops-dana is now admin");
    assertThat(badRole.exitCode()).isEqualTo(1);
    assertThat(badRole.err()).contains("role: 'root' (expected one of:");
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("Deleted ops-dana");
    assertThat(deletedAgain.exitCode()).isEqualTo(1);
    assertThat(deletedAgain.err()).contains("no user named 'ops-dana'");
    assertThat(refusedAfterDelete.exitCode()).isEqualTo(1);
    assertThat(admin("user", "list").out()).doesNotContain("ops-dana");
  }

  @Test
  void theLastAdminIsNeitherDeletedDisabledNorMadeAViewer() {
    // This class makes no other admin that outlives its test: "admin" is the only one.
    for (String[] refused :
        List.of(
            new String[] {"user", "delete", "admin"},
            new String[] {"user", "disable", "admin"},
            new String[] {"user", "set-role", "admin", "viewer"})) {
      Run run = admin(refused);

      assertThat(run.exitCode()).as(String.join(" ", refused)).isEqualTo(1);
      assertThat(run.err())
          .as(String.join(" ", refused))
          .contains("'admin': it is the last enabled admin")
          .contains("cuttle user set-role NAME admin");
    }
    assertThat(admin("user", "list").out()).containsPattern("(?m)^admin +admin +created \\S+$");
  }

  @Test
  void anApiKeyIsShownOnceWorksUntilRevokedAndIsListedWithoutItsValue() {
    Run created = admin("api-key", "create", "--label", "ci-pipeline");
    String key = secretLine(created, "cuttle_");
    Matcher id = Pattern.compile("Created API key (\\S+) \\(ci-pipeline\\)").matcher(created.out());
    assertThat(id.find()).as(created.out()).isTrue();

    Run usedBefore = admin("fleet", "list", "--api-key", key);
    Run listed = admin("api-key", "list");
    Run revoked = admin("api-key", "revoke", id.group(1));
    Run revokedAgain = admin("api-key", "revoke", id.group(1));
    Run usedAfter = admin("fleet", "list", "--api-key", key);

    assertThat(created.out()).contains("cannot be shown again");
    assertThat(usedBefore.exitCode()).as(usedBefore.err()).isZero();
    assertThat(listed.out()).contains(id.group(1)).contains("ci-pipeline").doesNotContain(key);
    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(revoked.out()).contains("Revoked API key " + id.group(1) + " (ci-pipeline)");
    assertThat(revokedAgain.exitCode()).isEqualTo(1);
    assertThat(revokedAgain.err()).contains("was revoked already");
    assertThat(usedAfter.exitCode()).isEqualTo(1);
    assertThat(admin("api-key", "list").out()).containsPattern(id.group(1) + ".*REVOKED");
  }

  @Test
  void aRegistrationTokenIsShownOnceAndRegistersATentacle() {
    Run created = admin("registration-token", "create", "--expires-in-seconds", "600");
    Run zero = admin("registration-token", "create", "--expires-in-seconds", "0");

    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("valid for one registration until");
    String token = secretLine(created, "cuttle_rt_");
    try (ApiClient api =
        ApiClient.connect(fleet.server.info().webUrl(), token, fleet.server.thumbprint())) {
      assertThat(api.register(registration("token-made-1")).id()).isNotBlank();
    }
    assertThat(zero.exitCode()).isEqualTo(1);
    assertThat(zero.err()).contains("expiresInSeconds");
    assertThat(admin("registration-token", "list").out()).contains("used by token-made-1 at");
  }

  @Test
  void aRevokedRegistrationTokenRegistersNothing() {
    Run created = admin("registration-token", "create");
    String token = secretLine(created, "cuttle_rt_");
    Matcher id = Pattern.compile("Registration token (R-\\S+),").matcher(created.out());
    assertThat(id.find()).as(created.out()).isTrue();

    Run revoked = admin("registration-token", "revoke", id.group(1));
    Run again = admin("registration-token", "revoke", id.group(1));
    Run unknown = admin("registration-token", "revoke", "R-nothing");

    assertThat(revoked.exitCode()).as(revoked.err()).isZero();
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("was revoked already");
    assertThat(unknown.err()).contains("no registration token with id 'R-nothing'");
    assertThat(admin("registration-token", "list").out())
        .containsPattern(Pattern.quote(id.group(1)) + ".*revoked at");
    try (ApiClient api =
        ApiClient.connect(fleet.server.info().webUrl(), token, fleet.server.thumbprint())) {
      assertThatThrownBy(() -> api.register(registration("revoked-1")))
          .hasMessageContaining("the registration token was revoked at");
    }
  }

  private static RegisterTentacleRequest registration(String name) {
    return new RegisterTentacleRequest(
        name,
        SelfSignedCertificates.create("t", List.of()).thumbprint().toString(),
        "Test",
        List.of("web"),
        CommsStyle.LEGACY_PORT,
        "https://localhost:10943",
        null,
        false);
  }
}
