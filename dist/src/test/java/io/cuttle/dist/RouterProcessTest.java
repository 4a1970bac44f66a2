package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.CommandLineTest.Run;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle router --config} as its own process, the way a service manager runs it: SIGHUP and
 * {@code cuttle router reload} both re-read the file, and SIGTERM stops it cleanly.
 */
@Timeout(90)
class RouterProcessTest {
  private static final Pattern ADMIN = Pattern.compile("Admin .* on (http://\\S+)");
  private static final Pattern LISTENING = Pattern.compile("listening on \\[/127.0.0.1:(\\d+)");

  private static String yaml(String defaultName) {
    return """
        listen: 127.0.0.1:0
        admin: 127.0.0.1:0
        upstreams:
          a: { endpoints: [127.0.0.1:1] }
          b: { endpoints: [127.0.0.1:2] }
        routes:
          - { name: %s, default: true, upstream: %s }
        """
        .formatted(defaultName, defaultName);
  }

  @Test
  void sighupAndTheReloadCommandReReadTheFileAndSigtermStopsIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("router.yaml"), yaml("a"));
    AtomicInteger listenPort = new AtomicInteger();
    Process router =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The jar's own logging configuration, not a test one that other modules' test
                // jars put on this classpath.
                "-Dlogback.configurationFile=" + Cuttle.class.getResource("/logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                Cuttle.class.getName(),
                "router",
                "--config",
                file.toString())
            .redirectError(dir.resolve("router.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(router.getInputStream(), StandardCharsets.UTF_8));
      String admin =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      for (String line; (line = out.readLine()) != null; ) {
                        Matcher listening = LISTENING.matcher(line);
                        if (listening.find()) {
                          listenPort.set(Integer.parseInt(listening.group(1)));
                        }
                        Matcher matcher = ADMIN.matcher(line);
                        if (matcher.find()) {
                          return matcher.group(1);
                        }
                      }
                      return null;
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      assertThat(admin).as("the router printed its admin address").isNotNull();
      assertThat(routes(admin)).contains("default->a");

      try (Socket notTls = new Socket(InetAddress.getLoopbackAddress(), listenPort.get())) {
        notTls
            .getOutputStream()
            .write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(notTls.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(dir.resolve("router.err")))
                      .as("the access log is on for a standalone router")
                      .containsPattern("access - client=/127.0.0.1:\\d+ sni=- .* close=not tls"));

      Files.writeString(file, yaml("b"));
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(router.pid())).start();
      assertThat(hup.waitFor()).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> routes(admin).contains("default->b"));

      Files.writeString(file, yaml("a"));
      Run reload = CommandLineTest.cuttle("router", "reload", "--admin", admin.substring(7));
      assertThat(reload.exitCode()).as(reload.err()).isZero();
      assertThat(reload.out()).contains("reloaded");
      assertThat(routes(admin)).contains("default->a");

      router.destroy(); // SIGTERM
      assertThat(router.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(router.exitValue()).as("a clean stop").isIn(0, 143);
    } finally {
      router.destroyForcibly();
    }
  }

  private static String routes(String admin) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(admin + "/routes")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
