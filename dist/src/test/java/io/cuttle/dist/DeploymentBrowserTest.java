package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A whole deployment in real headless Chromium against a real server and real tentacles: sign in,
 * see the tentacles, push a package through the page, define a project, create a release, deploy
 * it, watch its log arrive live grouped by step, and find the release on the dashboard.
 */
@Timeout(300)
class DeploymentBrowserTest {
  private static final String VIEWER_PASSWORD = "just looking, thanks";
  @TempDir Path dir;
  @TempDir Path profile;
  private TestFleet fleet;
  private Browser browser;

  @BeforeEach
  void start() throws Exception {
    fleet = new TestFleet(dir.resolve("fleet"));
    fleet.start(fleet.register("web-1", true));
    fleet.start(fleet.register("web-2", false));
    browser = new Browser(profile);
  }

  @AfterEach
  void stop() {
    try {
      assertThat(browser.contentSecurityPolicyViolations())
          .as("what the Content-Security-Policy refused while the UI was used")
          .isEmpty();
    } finally {
      browser.close();
      fleet.close();
    }
  }

  @Test
  void anAdminPushesReleasesAndDeploysAPackageAndAViewerSeesTheResultWithoutWriteControls()
      throws Exception {
    Path proceed = dir.resolve("proceed");
    Path pkg = packageWaitingFor(proceed);

    browser.open(fleet.server.info().webUrl() + "/");
    signIn("admin", Files.readString(fleet.server.adminPasswordFile()).trim());
    browser.awaitText("tr[data-name=web-1] td.state", "online");
    browser.awaitText("tr[data-name=web-2] td.state", "online");

    browser.find("a[data-page=packages]").click();
    browser.shown("#package-file").sendKeys(pkg.toString());
    browser.find("#push-package").click();
    browser.awaitText("tr[data-package='Shop.Web 1.0.0']", "zip");

    browser.find("a[data-page=projects]").click();
    browser
        .shown("#project-json")
        .sendKeys(
            "{\"name\": \"shop\", \"description\": \"the web shop\", \"steps\": ["
                + "{\"name\": \"site\", \"kind\": \"package\", \"packageId\": \"Shop.Web\","
                + " \"roles\": [\"web\"]}]}");
    browser.find("#new-project button[type=submit]").click();
    browser.awaitText("#project-steps tr[data-step=site]", "deploys package Shop.Web");

    browser.find("a[data-page=releases]").click();
    browser.shown("#release-version").sendKeys("1.0.0");
    browser.find("#new-release button[type=submit]").click();
    browser.awaitText("tr[data-release='shop 1.0.0']", "Shop.Web 1.0.0");
    new Select(browser.find("tr[data-release='shop 1.0.0'] select[name=environment]"))
        .selectByValue("Test");
    browser.find("tr[data-release='shop 1.0.0'] button.deploy").click();

    browser.awaitText(".step[data-step=site] h3", "Step: site");
    browser.awaitText(".step[data-step=site] pre[data-target=web-1]", "installing on web-1");
    browser.awaitText(".step[data-step=site] pre[data-target=web-2]", "installing on web-2");
    assertThat(browser.find("#task-state").getText()).isEqualTo("RUNNING");
    assertThat(browser.find("pre[data-target=web-1]").getText()).doesNotContain("installed");
    Files.createFile(proceed);
    browser.awaitText("pre[data-target=web-1]", "installed Shop.Web 1.0.0");
    browser.awaitText("#task-state", "SUCCEEDED");

    browser.find("a[data-page=dashboard]").click();
    browser.awaitText("td[data-project=shop][data-environment=Test] .release", "1.0.0");

    browser.find("a[data-page=packages]").click();
    browser.shown("tr[data-package='Shop.Web 1.0.0'] button.danger").click();
    browser.await("the delete is confirmed", ExpectedConditions.alertIsPresent()).accept();
    browser.awaitText("#view .error", "is still used by release 1.0.0 of shop");
    assertThat(browser.all("tr[data-package='Shop.Web 1.0.0']")).hasSize(1);

    addViewer();
    browser.find("#logout").click();
    signIn("viewer-1", VIEWER_PASSWORD);
    browser.awaitText("#who", "viewer-1 · viewer");
    browser.find("a[data-page=dashboard]").click();
    browser.awaitText("td[data-project=shop][data-environment=Test] .release", "1.0.0");
    browser.find("a[data-page=packages]").click();
    browser.awaitText("tr[data-package='Shop.Web 1.0.0']", "zip");
    assertThat(browser.all("#push-form")).isEmpty();
    assertThat(browser.all("#packages button")).isEmpty();
    browser.find("a[data-page=projects]").click();
    browser.awaitText("tr[data-project=shop]", "site");
    assertThat(browser.all("#new-project")).isEmpty();
    browser.find("a[data-page=releases]").click();
    browser.awaitText("tr[data-release='shop 1.0.0']", "Shop.Web 1.0.0");
    assertThat(browser.all("#new-release")).isEmpty();
    assertThat(browser.all("#releases button, #releases select")).isEmpty();
  }

  private void signIn(String name, String password) {
    browser.shown("#login-name").clear();
    browser.find("#login-name").sendKeys(name);
    browser.find("#login-password").sendKeys(password);
    browser.find("#login-form button[type=submit]").click();
  }

  /** Adds a viewer through the API, as the signed-in admin's page would. */
  private void addViewer() {
    String csrf =
        (String)
            ((JavascriptExecutor) browser.driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/session').then(r => r.json()).then(s => done(s.csrfToken));");
    Map<String, Object> added =
        browser.fetch(
            "POST",
            "/api/users",
            Map.of("Content-Type", "application/json", "X-CSRF-Token", csrf),
            "{\"name\":\"viewer-1\",\"password\":\"" + VIEWER_PASSWORD + "\",\"role\":\"viewer\"}");
    assertThat(added.get("status")).as(added.toString()).isEqualTo(201L);
  }

  /** A package whose deploy.sh says it started, then waits for {@code proceed} before finishing. */
  private Path packageWaitingFor(Path proceed) throws Exception {
    Path file = dir.resolve("Shop.Web.1.0.0.zip");
    String deploy =
        String.join(
            "\n",
            "echo \"installing on $CUTTLE_TENTACLE_NAME\"",
            "for i in $(seq 1 600); do [ -f '" + proceed + "' ] && break; sleep 0.1; done",
            "echo \"installed $CUTTLE_PACKAGE_ID $CUTTLE_PACKAGE_VERSION\"");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("deploy.sh"));
      zip.write(deploy.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return file;
  }
}
