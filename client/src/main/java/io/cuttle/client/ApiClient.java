package io.cuttle.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.linecorp.armeria.client.ClientFactory;
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
import io.cuttle.wire.api.ApiKeyView;
import io.cuttle.wire.api.CreateApiKeyRequest;
import io.cuttle.wire.api.CreateRegistrationTokenRequest;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.DeregisterTentacleResponse;
import io.cuttle.wire.api.EnvironmentOrderRequest;
import io.cuttle.wire.api.EnvironmentRequest;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckStarted;
import io.cuttle.wire.api.NodeView;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.RefusedConnection;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import io.cuttle.wire.api.RegistrationToken;
import io.cuttle.wire.api.RegistrationTokenView;
import io.cuttle.wire.api.ReleaseView;
import io.cuttle.wire.api.RetryRequest;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.ServerCertificateStatus;
import io.cuttle.wire.api.ServerInfo;
import io.cuttle.wire.api.SetPasswordRequest;
import io.cuttle.wire.api.SetRoleRequest;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.TentacleView;
import io.cuttle.wire.api.UserView;
import io.cuttle.wire.api.VariableRequest;
import io.cuttle.wire.api.VariableView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/** The REST API, as the CLI, the demo and tentacle registration use it. */
public final class ApiClient implements AutoCloseable {
  /** Long enough for a package of the server's default limit (1 GiB) over a slow link. */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(1);

  private final String serverUrl;
  private final String apiKey;
  private final ServerTrust trust;
  private final URI uri;
  private final ProxyTunnels tunnels;
  private final ClientFactory factory;
  private final WebClient client;
  private final CallFailures failures;
  private final ObjectMapper json =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private ApiClient(
      String serverUrl, String apiKey, Thumbprint serverThumbprint, ProxyPolicy proxies) {
    this.uri = parse(serverUrl);
    this.tunnels = new ProxyTunnels(proxies);
    this.serverUrl = serverUrl;
    this.apiKey = apiKey;
    this.trust = ServerTrust.forHost(uri.getHost(), serverThumbprint);
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

  /**
   * A client for the server at {@code serverUrl}.
   *
   * @param apiKey may be null for the calls that need none
   * @param serverThumbprint the web certificate's thumbprint to insist on, or null (see {@link
   *     ServerTrust})
   */
  public static ApiClient connect(String serverUrl, String apiKey, Thumbprint serverThumbprint) {
    return connect(
        serverUrl, apiKey, serverThumbprint, ProxyPolicy.fromEnvironment(System.getenv()));
  }

  /** A client that reaches the server as {@code proxies} says (see {@link ProxyPolicy}). */
  public static ApiClient connect(
      String serverUrl, String apiKey, Thumbprint serverThumbprint, ProxyPolicy proxies) {
    return new ApiClient(serverUrl, apiKey, serverThumbprint, proxies);
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

  public ServerInfo serverInfo() {
    return call(HttpMethod.GET, "/api/server", null, ServerInfo.class);
  }

  public RegisterTentacleResponse register(RegisterTentacleRequest request) {
    return call(HttpMethod.POST, "/api/tentacles", request, RegisterTentacleResponse.class);
  }

  /**
   * Deregisters the tentacle {@code name}; with {@code thumbprint}, only if it still has that
   * certificate (the server answers 409 otherwise, and 404 when there is no such tentacle).
   */
  public DeregisterTentacleResponse deregister(String name, String thumbprint) {
    String path = "/api/tentacles/" + encode(name);
    if (thumbprint != null) {
      path += "?thumbprint=" + encode(thumbprint);
    }
    return call(HttpMethod.DELETE, path, null, DeregisterTentacleResponse.class);
  }

  /** A one-time registration token valid for {@code expiresInSeconds} (null: the default). */
  public RegistrationToken createRegistrationToken(Long expiresInSeconds) {
    return call(
        HttpMethod.POST,
        "/api/registration-tokens",
        new CreateRegistrationTokenRequest(expiresInSeconds),
        RegistrationToken.class);
  }

  /** Registration tokens, newest first, without their values. */
  public List<RegistrationTokenView> registrationTokens() {
    return call(
        HttpMethod.GET, "/api/registration-tokens", null, listOf(RegistrationTokenView.class));
  }

  /** Revokes a registration token not yet used. */
  public RegistrationTokenView revokeRegistrationToken(String id) {
    return call(
        HttpMethod.DELETE,
        "/api/registration-tokens/" + encode(id),
        null,
        RegistrationTokenView.class);
  }

  public List<EnvironmentView> environments() {
    return call(HttpMethod.GET, "/api/environments", null, listOf(EnvironmentView.class));
  }

  public EnvironmentView createEnvironment(String name) {
    return call(
        HttpMethod.POST, "/api/environments", new EnvironmentRequest(name), EnvironmentView.class);
  }

  public EnvironmentView renameEnvironment(String name, String newName) {
    return call(
        HttpMethod.PUT,
        "/api/environments/" + encode(name),
        new EnvironmentRequest(newName),
        EnvironmentView.class);
  }

  /** Puts every environment in this order; {@code names} must list each once. */
  public List<EnvironmentView> reorderEnvironments(List<String> names) {
    return call(
        HttpMethod.PUT,
        "/api/environments",
        new EnvironmentOrderRequest(names),
        listOf(EnvironmentView.class));
  }

  public void deleteEnvironment(String name) {
    call(HttpMethod.DELETE, "/api/environments/" + encode(name), null, Void.class);
  }

  public List<ProjectView> projects() {
    return call(HttpMethod.GET, "/api/projects", null, listOf(ProjectView.class));
  }

  public ProjectView project(String name) {
    return call(HttpMethod.GET, "/api/projects/" + encode(name), null, ProjectView.class);
  }

  public ProjectView createProject(ProjectRequest request) {
    return call(HttpMethod.POST, "/api/projects", request, ProjectView.class);
  }

  public ProjectView replaceProject(String name, ProjectRequest request) {
    return call(HttpMethod.PUT, "/api/projects/" + encode(name), request, ProjectView.class);
  }

  public void deleteProject(String name) {
    call(HttpMethod.DELETE, "/api/projects/" + encode(name), null, Void.class);
  }

  public List<VariableView> variables(String project) {
    return call(
        HttpMethod.GET,
        "/api/projects/" + encode(project) + "/variables",
        null,
        listOf(VariableView.class));
  }

  public VariableView addVariable(String project, VariableRequest request) {
    return call(
        HttpMethod.POST,
        "/api/projects/" + encode(project) + "/variables",
        request,
        VariableView.class);
  }

  public void deleteVariable(String project, String variableId) {
    call(
        HttpMethod.DELETE,
        "/api/projects/" + encode(project) + "/variables/" + encode(variableId),
        null,
        Void.class);
  }

  public List<ReleaseView> releases(String project) {
    return call(
        HttpMethod.GET,
        "/api/projects/" + encode(project) + "/releases",
        null,
        listOf(ReleaseView.class));
  }

  public ReleaseView createRelease(String project, CreateReleaseRequest request) {
    return call(
        HttpMethod.POST,
        "/api/projects/" + encode(project) + "/releases",
        request,
        ReleaseView.class);
  }

  public DeploymentView deploy(DeployRequest request) {
    return call(HttpMethod.POST, "/api/deployments", request, DeploymentView.class);
  }

  public DeploymentView deployment(String id) {
    return call(HttpMethod.GET, "/api/deployments/" + encode(id), null, DeploymentView.class);
  }

  /**
   * Runs a deployment's failed target (tentacle name or command id) again; by deployment or task
   * id.
   */
  public TaskView retry(String deploymentOrTaskId, String target) {
    return call(
        HttpMethod.POST,
        "/api/deployments/" + encode(deploymentOrTaskId) + "/retry",
        new RetryRequest(target),
        TaskView.class);
  }

  private JavaType listOf(Class<?> element) {
    return json.getTypeFactory().constructCollectionType(List.class, element);
  }

  private static String encode(String pathOrQueryPart) {
    return java.net.URLEncoder.encode(pathOrQueryPart, java.nio.charset.StandardCharsets.UTF_8);
  }

  public List<TentacleView> tentacles() {
    return call(
        HttpMethod.GET,
        "/api/tentacles",
        null,
        json.getTypeFactory().constructCollectionType(List.class, TentacleView.class));
  }

  /** One tentacle, by name or id. */
  public TentacleView tentacle(String name) {
    return call(HttpMethod.GET, "/api/tentacles/" + encode(name), null, TentacleView.class);
  }

  /** Queues a health check of one tentacle, unless one is pending. */
  public HealthCheckStarted checkHealth(String name) {
    return call(
        HttpMethod.POST,
        "/api/tentacles/" + encode(name) + "/health-check",
        null,
        HealthCheckStarted.class);
  }

  /** Queues a health check of every tentacle the filter matches. */
  public HealthCheckStarted checkHealth(HealthCheckRequest filter) {
    return call(HttpMethod.POST, "/api/tentacles/health-check", filter, HealthCheckStarted.class);
  }

  public List<UserView> users() {
    return call(HttpMethod.GET, "/api/users", null, listOf(UserView.class));
  }

  public UserView createUser(CreateUserRequest request) {
    return call(HttpMethod.POST, "/api/users", request, UserView.class);
  }

  public UserView setPassword(String user, String password) {
    return call(
        HttpMethod.PUT,
        "/api/users/" + encode(user) + "/password",
        new SetPasswordRequest(password),
        UserView.class);
  }

  public UserView disableUser(String user) {
    return call(HttpMethod.POST, "/api/users/" + encode(user) + "/disable", null, UserView.class);
  }

  public UserView enableUser(String user) {
    return call(HttpMethod.POST, "/api/users/" + encode(user) + "/enable", null, UserView.class);
  }

  public UserView setRole(String user, String role) {
    return call(
        HttpMethod.PUT,
        "/api/users/" + encode(user) + "/role",
        new SetRoleRequest(role),
        UserView.class);
  }

  public void deleteUser(String user) {
    call(HttpMethod.DELETE, "/api/users/" + encode(user), null, Void.class);
  }

  /** API keys, all or those of {@code user} (null: all). */
  public List<ApiKeyView> apiKeys(String user) {
    return call(
        HttpMethod.GET,
        "/api/api-keys" + (user == null ? "" : "?user=" + encode(user)),
        null,
        listOf(ApiKeyView.class));
  }

  /** A new API key; its value is in this answer only. */
  public ApiKeyView.Created createApiKey(CreateApiKeyRequest request) {
    return call(HttpMethod.POST, "/api/api-keys", request, ApiKeyView.Created.class);
  }

  public ApiKeyView revokeApiKey(String id) {
    return call(HttpMethod.DELETE, "/api/api-keys/" + encode(id), null, ApiKeyView.class);
  }

  public List<RefusedConnection> refusedConnections() {
    return call(
        HttpMethod.GET,
        "/api/refused-connections",
        null,
        json.getTypeFactory().constructCollectionType(List.class, RefusedConnection.class));
  }

  /** The server nodes using the server's database, the one answering marked. */
  public List<NodeView> nodes() {
    return call(
        HttpMethod.GET,
        "/api/nodes",
        null,
        json.getTypeFactory().constructCollectionType(List.class, NodeView.class));
  }

  /** Where a rotation of the server's own certificate stands. */
  public ServerCertificateStatus serverCertificate() {
    return call(HttpMethod.GET, "/api/server-certificate", null, ServerCertificateStatus.class);
  }

  /**
   * Creates the server's next certificate, replacing one not yet activated; with {@code
   * fromPrevious}, the next one is the certificate the last activation replaced.
   */
  public ServerCertificateStatus createNextServerCertificate(boolean fromPrevious) {
    return call(
        HttpMethod.POST,
        "/api/server-certificate/next" + (fromPrevious ? "?fromPrevious=true" : ""),
        null,
        ServerCertificateStatus.class);
  }

  /**
   * Makes the server present its next certificate; refused (409) while an online tentacle does not
   * hold it, unless {@code force}.
   */
  public ServerCertificateStatus activateServerCertificate(boolean force) {
    return call(
        HttpMethod.POST,
        "/api/server-certificate/activate" + (force ? "?force=true" : ""),
        null,
        ServerCertificateStatus.class);
  }

  public TaskView runScript(RunScriptRequest request) {
    return call(HttpMethod.POST, "/api/tasks/scripts", request, TaskView.class);
  }

  /** Cancels every target of the task not yet finished; see {@code POST /api/tasks/{id}/cancel}. */
  public TaskView cancel(String taskId) {
    return call(HttpMethod.POST, "/api/tasks/" + taskId + "/cancel", null, TaskView.class);
  }

  public TaskView task(String taskId) {
    return call(HttpMethod.GET, "/api/tasks/" + taskId, null, TaskView.class);
  }

  public TaskLog log(String taskId, long after) {
    return call(
        HttpMethod.GET, "/api/tasks/" + taskId + "/log?after=" + after, null, TaskLog.class);
  }

  /**
   * Pushes the package file, streamed from disk. With {@code id} and {@code version} null the
   * server reads both from the file's name, such as {@code Acme.Web.1.2.0.zip}.
   */
  public PackageView pushPackage(Path file, String id, String version) {
    StringBuilder path = new StringBuilder("/api/packages?");
    if (id == null && version == null) {
      path.append("fileName=").append(encode(file.getFileName().toString()));
    } else {
      path.append("id=").append(encode(nullToEmpty(id)));
      path.append("&version=").append(encode(nullToEmpty(version)));
    }
    RequestHeadersBuilder headers = headers(HttpMethod.POST, path.toString());
    headers.contentType(MediaType.OCTET_STREAM);
    HttpRequest request = HttpRequest.of(headers.build(), StreamMessage.of(file));
    return send(
        client.execute(
            request,
            com.linecorp.armeria.client.RequestOptions.builder()
                .responseTimeout(UPLOAD_TIMEOUT)
                .build()),
        path.toString(),
        json.getTypeFactory().constructType(PackageView.class));
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  public List<PackageView> packages() {
    return call(
        HttpMethod.GET,
        "/api/packages",
        null,
        json.getTypeFactory().constructCollectionType(List.class, PackageView.class));
  }

  public PackageView deletePackage(String id, String version) {
    return call(
        HttpMethod.DELETE,
        "/api/packages/" + encode(id) + "/" + encode(version),
        null,
        PackageView.class);
  }

  public TaskView deployPackage(DeployPackageRequest request) {
    return call(HttpMethod.POST, "/api/tasks/packages", request, TaskView.class);
  }

  private <T> T call(HttpMethod method, String path, Object body, Class<T> type) {
    return call(method, path, body, json.getTypeFactory().constructType(type));
  }

  private <T> T call(HttpMethod method, String path, Object body, JavaType type) {
    return send(client.execute(request(method, path, body)), path, type);
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
    } catch (java.io.IOException e) {
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
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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
