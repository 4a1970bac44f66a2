package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle router} as an operator types it: checking a file, and mistakes in it. */
class RouterCommandTest {
  private static final String VALID =
      """
      listen: 127.0.0.1:0
      admin: 127.0.0.1:0
      upstreams:
        web: { endpoints: [127.0.0.1:8443] }
      routes:
        - { name: web, default: true, upstream: web }
      """;

  @Test
  void checkSaysWhatAValidFileWouldDo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("router.yaml"), VALID);

    Run run = cuttle("router", "--config", file.toString(), "--check");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("router.yaml is valid", "default->web", "admin:  127.0.0.1:0");
  }

  @Test
  void checkSaysWhenTheListenersAreSharedWithOtherRouters(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("router.yaml"), VALID + "reusePort: true\n");

    Run run = cuttle("router", "--config", file.toString(), "--check");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("listen: [/127.0.0.1:0], shared with other router processes");
  }

  @Test
  void aBadFileNamesItsLineAndExitsNonZero(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("router.yaml"), VALID.replace("upstream: web", "upstream: w"));

    Run run = cuttle("router", "--config", file.toString(), "--check");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "cuttle router: " + file + ":6: routes[0].upstream: 'w' is not defined (defined: web)")
        .doesNotContain("Exception");
  }

  @Test
  void aFileAndFlagsTogetherAreRefused(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("router.yaml"), VALID);

    Run run = cuttle("router", "--config", file.toString(), "--default", "127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("give either a file or --listen/--route/--default/--admin");
  }

  @Test
  void reloadWithNoRouterRunningSaysWhereItAsked() {
    Run run = cuttle("router", "reload", "--admin", "127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("cuttle router reload: no router answers on its admin port 127.0.0.1:1");
  }

  @Test
  void reloadOfAFileWithoutAdminSuggestsSighup(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("router.yaml"), VALID.replace("admin: 127.0.0.1:0\n", ""));

    Run run = cuttle("router", "reload", "--config", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("has no 'admin:' address", "kill -HUP");
  }
}
