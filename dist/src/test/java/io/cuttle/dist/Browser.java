package io.cuttle.dist;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, with a fresh profile, for testing the
 * web UI as a person uses it. It accepts the test server's self-signed certificate; nothing else
 * here would. It keeps the browser's console, so that a test can check that the page's
 * Content-Security-Policy refused nothing the UI needs.
 */
final class Browser implements AutoCloseable {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  final WebDriver driver;

  Browser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,900",
        "--user-data-dir=" + profile.toAbsolutePath());
    options.setAcceptInsecureCerts(true);
    // Chromium reports each thing a Content-Security-Policy refuses as a console error.
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /**
   * Waits until {@code condition} holds, failing with {@code what} after a generous while. Pages
   * redraw their tables every few seconds, so an element found in one attempt may be gone in the
   * next: such an attempt just counts as not yet.
   */
  <T> T await(String what, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, PATIENCE)
        .withMessage(what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Waits for an element to be on the page and shown. */
  WebElement shown(String css) {
    return await(
        css + " is shown",
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
  }

  /** Clicks the shown element {@code css}, finding it again if the page redrew it meanwhile. */
  void click(String css) {
    await(
        css + " is clicked",
        d -> {
          shown(css).click();
          return true;
        });
  }

  /** The text of {@code css} as it is now, read again if the page redrew it meanwhile. */
  String text(String css) {
    return await(css + " has text", d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** Waits for the text of {@code css} to contain {@code text}. */
  void awaitText(String css, String text) {
    await(
        css + " shows '" + text + "'",
        d ->
            d.findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().contains(text)));
  }

  /**
   * A fetch made by the page itself, with its cookies: the status and the body of the answer.
   * {@code headers} may be empty; {@code body} may be null.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> fetch(String method, String path, Map<String, String> headers, String body) {
    return (Map<String, Object>)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: arguments[1], headers: arguments[2],"
                    + " body: arguments[3]})"
                    + ".then(async r => done({status: r.status, text: await r.text()}),"
                    + " e => done({status: -1, text: String(e)}));",
                path,
                method,
                headers,
                body);
  }

  /**
   * What the console said, since the last call, about the page's Content-Security-Policy refusing
   * something (an inline script or style, a script or image from elsewhere, an eval): on every page
   * this browser opened, the pages it left included.
   */
  List<String> contentSecurityPolicyViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(message -> message.contains("Content Security Policy"))
        .toList();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
