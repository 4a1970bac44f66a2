package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Security headers on every answer, and credentials a client sends never reach the server's log:
 * every method, CORS preflights included, on every route the API lists, with an API key, a session
 * cookie and an X-API-Key, and the whole captured log searched for them afterwards. OPTIONS is
 * answered on purpose.
 */
class ResponseRulesTest {
  private static final String SECRET_BEARER = "bearer-secret-5c1f0e";
  private static final String SECRET_API_KEY = "x-api-key-secret-9a7d2b";
  private static final String SECRET_COOKIE = "cookie-secret-77e3a1";

  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static CuttleServer server;
  private static ApiCaller api;
  private static final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    Logger root =
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    log.start();
    root.addAppender(log);
  }

  @AfterAll
  static void stop() {
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(Logger.ROOT_LOGGER_NAME)
        .detachAppender(log);
  }

  /** Every path the API lists, its path parameters filled in. */
  private static Set<String> routes() throws Exception {
    AggregatedHttpResponse spec =
        api.call(HttpMethod.GET, "/docs/specification.json", Map.of(), null);
    assertThat(spec.status().code()).isEqualTo(200);
    Set<String> paths = new TreeSet<>();
    for (JsonNode service : ApiCaller.json(spec).get("services")) {
      for (JsonNode method : service.get("methods")) {
        for (JsonNode endpoint : method.get("endpoints")) {
          String path = endpoint.get("pathMapping").asText();
          paths.add(path.replaceFirst("^exact:", "").replaceAll("\\{[^}]+}|:[a-zA-Z]+", "x1"));
        }
      }
    }
    assertThat(paths).contains("/api/login", "/api/tentacles", "/api/tasks/x1/log.txt");
    paths.add("/");
    paths.add("/index.html");
    return paths;
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersAndApiAnswersAreNotStored() throws Exception {
    List<AggregatedHttpResponse> answers = new ArrayList<>();
    List<String> asked = new ArrayList<>();
    for (String path : routes()) {
      for (String key : java.util.Arrays.asList(null, server.adminApiKey())) {
        answers.add(api.call(HttpMethod.GET, path, key, null));
        asked.add(path);
      }
    }
    answers.add(api.attemptLogin("admin", api.adminPassword()));
    asked.add("/api/login");
    answers.add(api.admin(HttpMethod.POST, "/api/registration-tokens", "{}"));
    asked.add("/api/registration-tokens");
    answers.add(
        api.admin(HttpMethod.POST, "/api/api-keys", "{\"user\":\"admin\",\"label\":\"ci\"}"));
    asked.add("/api/api-keys");
    answers.add(api.call(HttpMethod.GET, "/no/such/page", Map.of(), null));
    asked.add("/no/such/page");

    for (int i = 0; i < answers.size(); i++) {
      var headers = answers.get(i).headers();
      String what = asked.get(i) + " " + headers.status();
      assertThat(headers.get("content-security-policy"))
          .as(what)
          .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(headers.get("x-content-type-options")).as(what).isEqualTo("nosniff");
      assertThat(headers.get("x-frame-options")).as(what).isEqualTo("DENY");
      assertThat(headers.get("referrer-policy")).as(what).isEqualTo("no-referrer");
      assertThat(headers.get("strict-transport-security")).as(what).startsWith("max-age=");
      if (asked.get(i).startsWith("/api/")) {
        assertThat(headers.get("cache-control")).as(what).isEqualTo("no-store");
      }
    }
    assertThat(answers.get(answers.size() - 4).status().code()).isEqualTo(200);
    assertThat(answers.get(answers.size() - 3).status().code()).isEqualTo(201);
    assertThat(answers.get(answers.size() - 2).status().code()).isEqualTo(201);
  }

  @Test
  void noMethodOnAnyRouteLogsACredential() throws Exception {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("authorization", "Bearer " + SECRET_BEARER);
    credentials.put("x-api-key", SECRET_API_KEY);
    credentials.put("cookie", ApiKeyAuthorizer.SESSION_COOKIE + "=" + SECRET_COOKIE);
    Map<String, String> preflight = new LinkedHashMap<>(credentials);
    preflight.put("origin", "https://attacker.example");
    preflight.put("access-control-request-method", "POST");
    preflight.put("access-control-request-headers", "authorization, x-api-key");

    List<String> serverErrors = new ArrayList<>();
    for (String path : routes()) {
      for (HttpMethod method : HttpMethod.knownMethods()) {
        if (method == HttpMethod.CONNECT) {
          continue;
        }
        for (Map<String, String> headers : List.of(preflight, credentials)) {
          String body = method == HttpMethod.GET || method == HttpMethod.HEAD ? null : "{}";
          AggregatedHttpResponse response = api.call(method, path, headers, body);
          if (response.status().code() >= 500) {
            serverErrors.add(method + " " + path + " " + response.status());
          }
          if (method == HttpMethod.OPTIONS) {
            assertThat(response.status().code()).as(method + " " + path).isIn(204, 405);
            assertThat(response.headers().get("access-control-allow-origin"))
                .as("no CORS is offered")
                .isNull();
          }
        }
      }
    }

    assertThat(serverErrors).isEmpty();
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent event : List.copyOf(log.list)) {
      all.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        all.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
      }
    }
    assertThat(all.toString())
        .doesNotContain(SECRET_BEARER)
        .doesNotContain(SECRET_API_KEY)
        .doesNotContain(SECRET_COOKIE);
  }
}
