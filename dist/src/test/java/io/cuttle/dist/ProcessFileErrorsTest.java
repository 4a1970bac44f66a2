package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle project create --file} with a wrong process file, against a real server: each error
 * names the file, the line and column and the field, says what was found and what is expected, and
 * shows nothing of the Java behind it. Whatever the server refuses is pointed at the same way.
 * Nothing is created.
 */
@Timeout(180)
class ProcessFileErrorsTest {
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

  /** Runs {@code project create} on {@code json}; it must fail and create nothing. */
  private static String refusal(String fileName, String json) throws Exception {
    Path file = Files.writeString(dir.resolve(fileName), json);
    Run run =
        cuttle(
            "project",
            "create",
            "--file",
            file.toString(),
            "--server",
            fleet.server.info().webUrl(),
            "--api-key",
            fleet.server.adminApiKey());

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .as("no Java names")
        .doesNotContain("java.", "io.cuttle", "Jackson", "Cannot construct", "`", "Exception");
    Run list =
        cuttle(
            "project",
            "list",
            "--server",
            fleet.server.info().webUrl(),
            "--api-key",
            fleet.server.adminApiKey());
    assertThat(list.out()).as("nothing created").doesNotContain("Project shop");
    return run.err().strip().replace(file.toString(), fileName);
  }

  @Test
  void aStringWhereRolesNeedsAListNamesFileLineColumnAndField() throws Exception {
    String error =
        refusal(
            "roles.json",
            """
            {"name": "shop",
             "steps": [
               {"name": "web", "roles": "web", "script": "./deploy.sh"}
             ]}
            """);

    assertThat(error)
        .isEqualTo(
            "cuttle project create: roles.json:3:20: steps[0].roles: found a string ('web'),"
                + " expected a list of strings");
  }

  @Test
  void aMisspeltFieldIsPointedAtWithDidYouMean() throws Exception {
    String error =
        refusal(
            "typo.json",
            """
            {"name": "shop",
             "steps": [
               {"name": "web",
                "scrpt": "./deploy.sh"}
             ]}
            """);

    assertThat(error)
        .startsWith(
            "cuttle project create: typo.json:4:5: steps[0].scrpt: unknown field 'scrpt'; did you"
                + " mean script?");
  }

  @Test
  void aTrailingCommaIsPointedAtAndExplained() throws Exception {
    String error =
        refusal(
            "comma.json",
            """
            {"name": "shop",
             "steps": [
               {"name": "web", "roles": ["web",], "script": "./deploy.sh"}
             ]}
            """);

    assertThat(error)
        .startsWith("cuttle project create: comma.json:3:36: not valid JSON (in steps[0].roles")
        .contains("found ']', expected a value")
        .contains("JSON allows no comma before a closing ']'");
  }

  @Test
  void anUnknownSyntaxRefusedByTheServerIsPointedAtInItsStep() throws Exception {
    String error =
        refusal(
            "syntax.json",
            """
            {"name": "shop",
             "steps": [
               {"name": "one", "script": "echo one"},
               {"name": "two", "script": "echo two",
                "syntax": "zsh"}
             ]}
            """);

    assertThat(error)
        .isEqualTo(
            "cuttle project create: syntax.json:5:5: steps[1].syntax: 'zsh' (expected: bash, sh,"
                + " python or powershell)");
  }

  @Test
  void aMissingScriptIsPointedAtItsStep() throws Exception {
    String error =
        refusal(
            "missing.json",
            """
            {"name": "shop",
             "steps": [
               {"name": "one", "script": "echo one"},
               {"name": "two"}
             ]}
            """);

    assertThat(error)
        .isEqualTo(
            "cuttle project create: missing.json:4:4: steps[1].script is required for a script"
                + " step");
  }
}
