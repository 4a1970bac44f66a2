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
import io.cuttle.server.ServerConfig;
import io.cuttle.server.ServerConfigBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

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

  /** The detail of an RFC 9457 problem answer, checking it is one and matches the status. */
  static String problem(AggregatedHttpResponse response) throws Exception {
    assertThat(response.contentType()).hasToString("application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.get("status").asInt()).isEqualTo(response.status().code());
    return problem.get("detail").asText();
  }

  /** A server on loopback ephemeral ports with short polls, configured further by {@code extra}. */
  static CuttleServer startServer(Path data, UnaryOperator<ServerConfigBuilder> extra)
      throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return CuttleServer.start(
        extra
            .apply(
                ServerConfig.builder()
                    .dataDirectory(data)
                    .publicAddress(new InetSocketAddress(loopback, 0))
                    .legacyPollingAddress(new InetSocketAddress(loopback, 0))
                    .adminAddress(new InetSocketAddress(loopback, 0))
                    .pollWait(Duration.ofSeconds(5))
                    .silenceTimeout(Duration.ofSeconds(30)))
            .build());
  }

  @Override
  public void close() {
    factory.close();
  }
}
