package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.cuttle.server.CuttleServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Raw HTTPS calls to a test server's REST API, with or without a key, and their problem texts. */
final class ApiCaller implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CuttleServer server;
  private final ClientFactory factory = ClientFactory.builder().tlsNoVerify().build();
  private final WebClient client;

  ApiCaller(CuttleServer server) {
    this.server = server;
    this.client =
        WebClient.builder("https://127.0.0.1:" + server.publicPort()).factory(factory).build();
  }

  AggregatedHttpResponse call(HttpMethod method, String path, String key, String body) {
    return call(
        method, path, key == null ? Map.of() : Map.of("authorization", "Bearer " + key), body);
  }

  AggregatedHttpResponse call(
      HttpMethod method, String path, Map<String, String> extraHeaders, String body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(method, path);
    extraHeaders.forEach(headers::set);
    if (body == null) {
      return client.execute(headers.build()).aggregate().join();
    }
    return client
        .execute(headers.contentType(MediaType.JSON_UTF_8).build(), body)
        .aggregate()
        .join();
  }

  /** A POST of raw bytes, as a package push sends them. */
  AggregatedHttpResponse upload(String path, String key, byte[] body) {
    return post(path, key, MediaType.OCTET_STREAM, body);
  }

  /** A POST of raw bytes with the given content type, or none. */
  AggregatedHttpResponse post(String path, String key, MediaType type, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, path);
    if (key != null) {
      headers.set("authorization", "Bearer " + key);
    }
    if (type != null) {
      headers.contentType(type);
    }
    return client.execute(headers.build(), body).aggregate().join();
  }

  /** A call with the server's bootstrap admin key. */
  AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return call(method, path, server.adminApiKey(), body);
  }

  /** A signed-in browser: its session cookie and the CSRF token its page would send. */
  record Session(String cookie, String csrfToken) {
    Map<String, String> read() {
      return Map.of("cookie", ApiKeyAuthorizer.SESSION_COOKIE + "=" + cookie);
    }

    Map<String, String> write() {
      return Map.of(
          "cookie", ApiKeyAuthorizer.SESSION_COOKIE + "=" + cookie, "x-csrf-token", csrfToken);
    }
  }

  /** Signs in, checking it worked. */
  Session login(String name, String password) throws Exception {
    AggregatedHttpResponse response = attemptLogin(name, password);
    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    Cookie cookie = Cookie.fromSetCookieHeader(response.headers().get("set-cookie"));
    return new Session(cookie.value(), json(response).get("csrfToken").asText());
  }

  AggregatedHttpResponse attemptLogin(String name, String password) throws Exception {
    return call(
        HttpMethod.POST,
        "/api/login",
        Map.of(),
        JSON.writeValueAsString(Map.of("name", name, "password", password)));
  }

  String adminPassword() throws IOException {
    return Files.readString(server.adminPasswordFile()).trim();
  }

  static JsonNode json(AggregatedHttpResponse response) throws Exception {
    return JSON.readTree(response.contentUtf8());
  }

  /** The JSON of a successful (2xx) answer, checking it is one. */
  static JsonNode ok(AggregatedHttpResponse response) throws Exception {
    assertThat(response.status().code()).as(response.contentUtf8()).isBetween(200, 299);
    return json(response);
  }

  /** The audit entries as "actor | action | target", newest first. */
  List<String> audit() throws Exception {
    List<String> entries = new ArrayList<>();
    for (JsonNode e : json(admin(HttpMethod.GET, "/api/audit?limit=500", null))) {
      entries.add(
          e.get("actor").asText()
              + " | "
              + e.get("action").asText()
              + " | "
              + e.get("target").asText());
    }
    return entries;
  }

  /** The detail of an RFC 9457 problem answer, checking it is one and matches the status. */
  static String problem(AggregatedHttpResponse response) throws Exception {
    assertThat(response.contentType()).hasToString("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.get("status").asInt()).isEqualTo(response.status().code());
    return problem.get("detail").asText();
  }

  @Override
  public void close() {
    factory.close();
  }
}
