package io.cuttle.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.RequestOptions;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.stream.StreamMessage;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.client.proxy.ProxyTunnels;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.Thumbprint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The HTTPS connection every {@link ApiClient} call goes through: the server's address checked, its
 * certificate trusted as {@link ServerTrust} says, proxies as {@link ProxyPolicy} says, the API key
 * sent, JSON written and read, and a failure turned into an {@link ApiException} by {@link
 * CallFailures}.
 */
final class ApiTransport implements AutoCloseable {
  /** Long enough for a package of the server's default limit (1 GiB) over a slow link. */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);

  private final String serverUrl;
  private final String apiKey;
  private final ClientFactory factory;
  private final WebClient client;
  private final CallFailures failures;
  private final ObjectMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  ApiTransport(String serverUrl, String apiKey, Thumbprint serverThumbprint, ProxyPolicy proxies) {
    URI uri = parse(serverUrl);
    ProxyTunnels tunnels = new ProxyTunnels(proxies);
    ServerTrust trust = ServerTrust.forHost(uri.getHost(), serverThumbprint);
    this.serverUrl = serverUrl;
    this.apiKey = apiKey;
    this.factory =
        tunnels
            .applyTo(ClientFactory.builder())
            .tlsCustomizer(tls -> tls.trustManager(trust))
            .addressResolverGroupFactory(eventLoops -> LoopbackAwareResolverGroup.INSTANCE)
            .connectTimeout(Duration.ofSeconds(10))
            // Private meters: several clients in one process would clash on certificate gauges.
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    this.client =
        WebClient.builder(uri).factory(factory).responseTimeout(Duration.ofSeconds(30)).build();
    this.failures = new CallFailures(serverUrl, uri, trust, tunnels, json, this::frontPage);
  }

  private static URI parse(String serverUrl) {
    URI uri;
    try {
      uri = URI.create(serverUrl);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          0, "server: '" + serverUrl + "' is not a URL (expected: https://host:port)");
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ApiException(0, "server: '" + serverUrl + "' (expected: https://host:port)");
    }
    return uri;
  }

  /** A path segment or query value, escaped. */
  static String encode(String pathOrQueryPart) {
    return URLEncoder.encode(pathOrQueryPart, StandardCharsets.UTF_8);
  }

  <T> T get(String path, Class<T> type) {
    return call(HttpMethod.GET, path, null, type);
  }

  <T> List<T> list(String path, Class<T> element) {
    return callForList(HttpMethod.GET, path, null, element);
  }

  /** A POST; {@code body} may be null. */
  <T> T post(String path, Object body, Class<T> type) {
    return call(HttpMethod.POST, path, body, type);
  }

  <T> T put(String path, Object body, Class<T> type) {
    return call(HttpMethod.PUT, path, body, type);
  }

  /** A DELETE; {@code type} is {@code Void.class} where the server answers nothing. */
  <T> T delete(String path, Class<T> type) {
    return call(HttpMethod.DELETE, path, null, type);
  }

  <T> T call(HttpMethod method, String path, Object body, Class<T> type) {
    return send(client.execute(request(method, path, body)), path, type(type));
  }

  <T> List<T> callForList(HttpMethod method, String path, Object body, Class<T> element) {
    JavaType list = json.getTypeFactory().constructCollectionType(List.class, element);
    return send(client.execute(request(method, path, body)), path, list);
  }

  /** A POST of the file's bytes, streamed from disk, with time for a large one to arrive. */
  <T> T upload(String path, Path file, Class<T> type) {
    RequestHeadersBuilder headers = headers(HttpMethod.POST, path);
    headers.contentType(MediaType.OCTET_STREAM);
    HttpRequest request = HttpRequest.of(headers.build(), StreamMessage.of(file));
    return send(
        client.execute(request, RequestOptions.builder().responseTimeout(UPLOAD_TIMEOUT).build()),
        path,
        type(type));
  }

  private JavaType type(Class<?> type) {
    return json.getTypeFactory().constructType(type);
  }

  private <T> T send(HttpResponse pending, String path, JavaType type) {
    AggregatedHttpResponse response;
    try {
      response = pending.aggregate().join();
    } catch (CompletionException e) {
      throw failures.unreachable(e.getCause() == null ? e : e.getCause());
    }
    int status = response.status().code();
    if (status >= 400) {
      throw failures.refused(path, response);
    }
    if (response.content().isEmpty()) {
      return null; // 204 No Content, e.g. after a delete
    }
    try {
      return json.readValue(response.contentUtf8(), type);
    } catch (IOException e) {
      throw new ApiException(
          status,
          "the server at "
              + serverUrl
              + " answered "
              + path
              + " with something that is not the expected JSON");
    }
  }

  private RequestHeadersBuilder headers(HttpMethod method, String path) {
    RequestHeadersBuilder headers =
        RequestHeaders.builder(method, path).set(HttpHeaderNames.ACCEPT, "application/json");
    if (apiKey != null) {
      headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
    }
    return headers;
  }

  private HttpRequest request(HttpMethod method, String path, Object body) {
    RequestHeadersBuilder headers = headers(method, path);
    if (body == null) {
      return HttpRequest.of(headers.build());
    }
    try {
      headers.contentType(MediaType.JSON_UTF_8);
      return HttpRequest.of(headers.build(), HttpData.wrap(json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The page the server answers on {@code /}, which says what kind of listener it is. */
  private String frontPage() {
    return client
        .execute(HttpRequest.of(headers(HttpMethod.GET, "/").build()))
        .aggregate()
        .join()
        .contentUtf8();
  }

  @Override
  public void close() {
    factory.close();
  }
}
