package io.cuttle.client;

import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Thumbprint;

/**
 * The REST API, as the CLI, the demo and tentacle registration use it. The calls of each resource
 * are in their own interface ({@link ServerCalls}, {@link TentacleCalls}, {@link EnvironmentCalls},
 * {@link ProjectCalls}, {@link TaskCalls}, {@link UserCalls}, {@link PackageCalls}); all of them go
 * through one {@link ApiTransport}.
 */
public final class ApiClient
    implements AutoCloseable,
        ServerCalls,
        TentacleCalls,
        EnvironmentCalls,
        ProjectCalls,
        TaskCalls,
        UserCalls,
        PackageCalls {
  private final ApiTransport transport;

  private ApiClient(ApiTransport transport) {
    this.transport = transport;
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
    return new ApiClient(new ApiTransport(serverUrl, apiKey, serverThumbprint, proxies));
  }

  /** The connection the calls share; for the resource interfaces, not for callers. */
  @Override
  public ApiTransport transport() {
    return transport;
  }

  @Override
  public void close() {
    transport.close();
  }
}
