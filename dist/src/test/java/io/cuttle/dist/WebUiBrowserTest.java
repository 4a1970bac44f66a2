package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.tentacle.TentacleHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI in real headless Chromium against a real server with real tentacles: signing in,
 * seeing the fleet, running a script from the console and watching its log arrive live (markup in
 * the output shown as text, never as elements), approving a refused certificate as a tentacle, and
 * a viewer who can look at everything but change nothing, in the UI or through the API.
 */
@Timeout(240)
class WebUiBrowserTest {
  private static final String VIEWER_PASSWORD = "just looking, thanks";
  private static final String MARKUP = "<img src=x id=injected><b id=injected-bold>bold?</b>";
  @TempDir static Path fleetDir;
  private static TestFleet fleet;
  private static String url;
  @TempDir Path profile;
  private Browser browser;

  @BeforeAll
  static void startFleet() throws Exception {
    // No scheduled health checks: a check the page shows is the one it asked for.
    fleet = new TestFleet(fleetDir, b -> b.healthCheckInterval(java.time.Duration.ZERO));
    fleet.start(fleet.register("routed-1", true));
    fleet.start(fleet.register("legacy-1", false));
    url = fleet.server.info().webUrl() + "/";
  }

  @AfterAll
  static void stopFleet() {
    fleet.close();
  }

  @BeforeEach
  void openBrowser() {
    browser = new Browser(profile);
  }

  @AfterEach
  void closeBrowser() {
    try {
      assertThat(browser.contentSecurityPolicyViolations())
          .as("what the Content-Security-Policy refused while the UI was used")
          .isEmpty();
    } finally {
      browser.close();
    }
  }

  private static String adminPassword() throws Exception {
    return Files.readString(fleet.server.adminPasswordFile()).trim();
  }

  private void signIn(String name, String password) {
    browser.shown("#login-name").clear();
    browser.find("#login-name").sendKeys(name);
    browser.find("#login-password").sendKeys(password);
    browser.find("#login-form button[type=submit]").click();
  }

  private void signOut() {
    browser.find("#logout").click();
    browser.shown("#login-form");
  }

  @Test
  void anAdminSeesTheFleetRunsAScriptAndWatchesItsLogArriveLive(@TempDir Path scratch)
      throws Exception {
    browser.open(url);
    signIn("admin", "not the password");
    browser.awaitText("#login-error", "wrong user name or password");
    signIn("admin", adminPassword());

    browser.shown("#view tr[data-name=routed-1]");
    browser.awaitText("tr[data-name=routed-1] td.state", "online");
    browser.awaitText("tr[data-name=legacy-1] td.state", "online");
    browser.awaitText("tr[data-name=routed-1]", "via router");
    browser.awaitText("tr[data-name=legacy-1]", "via legacy port");
    assertThat(browser.all("#fleet-picture .dot.online[title='routed-1: online']")).hasSize(1);
    assertThat(browser.all("#fleet-picture .dot.online[title='legacy-1: online']")).hasSize(1);
    browser.find("#tentacle-filter").sendKeys("legacy");
    browser.await(
        "the filter leaves legacy-1 alone",
        d -> browser.all("#view tr[data-name]").size() == 1 ? true : null);
    assertThat(browser.find("#view tr[data-name]").getAttribute("data-name")).isEqualTo("legacy-1");

    Path release = scratch.resolve("release");
    browser.find("a[data-page=console]").click();
    browser
        .shown("#script")
        .sendKeys(
            String.join(
                "\n",
                "echo \"first from $CUTTLE_TENTACLE_NAME\"",
                // What a tentacle prints is text: markup in it must create no element.
                "echo '" + MARKUP + "'",
                // Holds the script until the test has seen the first line in the browser.
                "for i in $(seq 1 600); do [ -f '" + release + "' ] && break; sleep 0.1; done",
                "echo \"second from $CUTTLE_TENTACLE_NAME\""));
    browser.shown("#targets input[value=routed-1]").click();
    browser.find("#run").click();

    browser.awaitText("pre[data-target=routed-1]", "first from routed-1");
    assertThat(browser.find("#task-state").getText()).isEqualTo("RUNNING");
    assertThat(browser.find("pre[data-target=routed-1]").getText()).doesNotContain("second");
    Files.createFile(release);
    browser.awaitText("pre[data-target=routed-1]", "second from routed-1");
    browser.awaitText("#task-state", "SUCCEEDED");
    browser.awaitText("#live", "Finished");
    assertThat(browser.all("pre[data-target=legacy-1]")).isEmpty();
    assertThat(browser.text("pre[data-target=routed-1]")).contains(MARKUP);
    assertThat(browser.all("pre[data-target=routed-1] span")).hasSize(3);
    assertThat(browser.all("pre[data-target=routed-1] span *, #injected, #injected-bold"))
        .as("elements made from the output's markup")
        .isEmpty();

    String taskId = browser.driver.getCurrentUrl().replaceAll(".*#/tasks/", "");
    Map<String, Object> download =
        browser.fetch("GET", "/api/tasks/" + taskId + "/log.txt", Map.of(), null);
    assertThat(download.get("status")).isEqualTo(200L);
    assertThat((String) download.get("text"))
        .contains("== routed-1: SUCCEEDED, exit code 0")
        .contains("first from routed-1")
        .contains(MARKUP)
        .contains("second from routed-1");

    signOut();
    assertThat(browser.fetch("GET", "/api/session", Map.of(), null).get("status")).isEqualTo(401L);
  }

  @Test
  void anAdminChecksATentaclesHealthAndSeesTheResultArrive() throws Exception {
    browser.open(url);
    signIn("admin", adminPassword());
    browser.awaitText("tr[data-name=legacy-1] td.health", "not checked yet");

    browser.click("tr[data-name=legacy-1] button.check");

    browser.awaitText("tr[data-name=legacy-1] td.health", "MiB free on the disk of");
    browser.awaitText("tr[data-name=legacy-1] td.state", "online");
    assertThat(browser.text("tr[data-name=routed-1] td.health")).isEqualTo("not checked yet");
  }

  @Test
  void aViewerSeesEverythingButNeitherTheUiNorTheApiLetsThemChangeAnything() throws Exception {
    browser.open(url + "#/users");
    signIn("admin", adminPassword());
    WebElement form = browser.shown("#new-user");
    form.findElement(By.name("name")).sendKeys("viewer-1");
    form.findElement(By.name("password")).sendKeys(VIEWER_PASSWORD);
    new Select(form.findElement(By.name("role"))).selectByValue("viewer");
    form.findElement(By.cssSelector("button")).click();
    browser.awaitText("#users tr[data-user=viewer-1]", "viewer");
    signOut();

    signIn("viewer-1", VIEWER_PASSWORD);
    browser.awaitText("#who", "viewer-1 · viewer");
    browser.find("a[data-page=tentacles]").click();
    browser.awaitText("tr[data-name=routed-1] td.state", "online");
    assertThat(browser.find("a[data-page=console]").isDisplayed()).isFalse();
    browser.find("a[data-page=users]").click();
    browser.awaitText("#users", "viewer-1");
    assertThat(browser.all("#new-user")).isEmpty();
    assertThat(browser.all("#new-api-key")).isEmpty();
    assertThat(browser.all("#api-keys button")).isEmpty();
    assertThat(browser.all("#users button")).isEmpty();
    browser.find("a[data-page=nodes]").click();
    String thisNode = "tr[data-name=\"" + fleet.server.nodeName() + "\"]";
    browser.awaitText(thisNode, "(served this page)");
    browser.awaitText(thisNode + " td.state", "online");

    String csrf =
        (String)
            ((JavascriptExecutor) browser.driver)
                .executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/session').then(r => r.json()).then(s => done(s.csrfToken));");
    Map<String, Object> refused =
        browser.fetch(
            "POST",
            "/api/tasks/scripts",
            Map.of("Content-Type", "application/json", "X-CSRF-Token", csrf),
            "{\"script\":\"echo should not run\",\"syntax\":\"bash\"}");
    assertThat(refused.get("status")).isEqualTo(403L);
    assertThat((String) refused.get("text")).contains("viewer role");
    assertThat((String) browser.fetch("GET", "/api/tasks", Map.of(), null).get("text"))
        .doesNotContain("should not run");

    signOut();
  }

  @Test
  void anAdminDisablesPromotesAndDeletesAUserButNotTheLastAdmin() throws Exception {
    browser.open(url + "#/users");
    signIn("admin", adminPassword());
    WebElement form = browser.shown("#new-user");
    form.findElement(By.name("name")).sendKeys("leaver-1");
    form.findElement(By.name("password")).sendKeys(VIEWER_PASSWORD);
    new Select(form.findElement(By.name("role"))).selectByValue("viewer");
    form.findElement(By.cssSelector("button")).click();
    String leaver = "#users tr[data-user=leaver-1]";
    browser.awaitText(leaver + " td.role", "viewer");

    browser.click(leaver + " button.disable");
    confirm();
    browser.shown(leaver + " button.enable");
    assertThat(browser.text(leaver + " td.disabled")).isNotEmpty();
    browser.click(leaver + " button.make-admin");
    browser.awaitText(leaver + " td.role", "admin");

    // leaver-1 is an admin now, but a disabled one: admin is still the last enabled admin.
    browser.click("#users tr[data-user=admin] button.disable");
    confirm();
    browser.awaitText("p.error", "'admin': it is the last enabled admin");
    assertThat(browser.text("#users tr[data-user=admin] td.disabled")).isEmpty();

    browser.click(leaver + " button.delete");
    confirm();
    browser.await(leaver + " is gone", d -> d.findElements(By.cssSelector(leaver)).isEmpty());
    signOut();
  }

  private void confirm() {
    browser.await("a confirmation is asked", ExpectedConditions.alertIsPresent()).accept();
  }

  @Test
  void anAdminApprovesARefusedCertificateAsANewTentacle() throws Exception {
    TentacleHome home = fleet.register("swapped-1", false);
    var stranger = SelfSignedCertificates.create("stranger", List.of());
    PemFiles.write(home.directory(), stranger);
    fleet.start(home);
    String thumbprint = stranger.thumbprint().toString();

    browser.open(url + "#/refused");
    signIn("admin", adminPassword());
    browser.shown("tr[data-thumbprint='" + thumbprint + "'] button.approve").click();
    WebElement form = browser.shown("#approval form");
    form.findElement(By.name("name")).sendKeys("stranger-1");
    form.findElement(By.name("environment")).sendKeys("Test");
    form.findElement(By.name("roles")).sendKeys("web, db");
    new Select(form.findElement(By.name("route"))).selectByValue("LEGACY_PORT");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    browser.awaitText("#approval", "Registered stranger-1");

    try (var api = fleet.api()) {
      assertThat(api.tentacles())
          .filteredOn(t -> t.name().equals("stranger-1"))
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.thumbprint()).isEqualTo(thumbprint);
                assertThat(t.roles()).containsExactly("web", "db");
              });
    }
    browser.find("a[data-page=tentacles]").click();
    browser.awaitText("tr[data-name=stranger-1]", "Test");
  }
}
