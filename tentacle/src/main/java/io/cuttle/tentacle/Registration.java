package io.cuttle.tentacle;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Registers an instance with a server: makes its identity if it has none, tells the server its
 * thumbprint and how it will poll, and stores the server's polling thumbprint to pin.
 */
public final class Registration {
  private Registration() {}

  /**
   * What {@code cuttle tentacle register} is told. Exactly one of the comms fields is set. {@code
   * proxy} null keeps the instance's stored proxy setting (a new instance follows the environment).
   */
  public record Request(
      TentacleHome home,
      String name,
      String serverUrl,
      String apiKey,
      String commsAddress,
      Integer commsPort,
      String environment,
      List<String> roles,
      Thumbprint serverThumbprint,
      boolean force,
      TentacleProxy proxy,
      Boolean createEnvironment) {

    /** A request that adds an unknown environment, as registration did before it could refuse. */
    public Request(
        TentacleHome home,
        String name,
        String serverUrl,
        String apiKey,
        String commsAddress,
        Integer commsPort,
        String environment,
        List<String> roles,
        Thumbprint serverThumbprint,
        boolean force,
        TentacleProxy proxy) {
      this(
          home,
          name,
          serverUrl,
          apiKey,
          commsAddress,
          commsPort,
          environment,
          roles,
          serverThumbprint,
          force,
          proxy,
          null);
    }
  }

  /**
   * Looks at the polling address before the server is told about it (the command line checks that
   * it leads to the polling listener); throws to stop the registration.
   */
  @FunctionalInterface
  public interface BeforeRegistering {
    BeforeRegistering NOTHING = (identity, pollingUrl, proxy) -> {};

    void check(Identity identity, String pollingUrl, TentacleProxy proxy) throws IOException;
  }

  public static TentacleConfig register(Request request) throws IOException {
    return register(request, BeforeRegistering.NOTHING);
  }

  /**
   * Registers as {@link #register(Request)} does, after {@code before} looked at the polling
   * address. A new instance whose registration fails, by {@code before} or by the server's refusal,
   * leaves no folder behind: the next attempt starts as clean as the first.
   */
  public static TentacleConfig register(Request request, BeforeRegistering before)
      throws IOException {
    Path folder = request.home().directory();
    boolean isNew = !Files.exists(folder);
    try {
      return registerWith(request, before);
    } catch (IOException | RuntimeException e) {
      if (isNew) {
        deleteQuietly(folder);
      }
      throw e;
    }
  }

  private static TentacleConfig registerWith(Request request, BeforeRegistering before)
      throws IOException {
    CommsStyle style = commsStyle(request);
    String pollingUrl = pollingUrl(request);
    TentacleProxy proxy = request.proxy() != null ? request.proxy() : storedProxy(request.home());
    Identity identity =
        PemFiles.loadOrCreate(
            request.home().directory(), "cuttle-tentacle " + request.name(), List.of());
    before.check(identity, pollingUrl, proxy);
    RegisterTentacleResponse response = registerAt(request, identity, proxy, style, pollingUrl);
    TentacleConfig config =
        new TentacleConfig(
            TentacleConfig.FORMAT_VERSION,
            response.name(),
            response.id(),
            request.serverUrl(),
            pollingUrl,
            style,
            response.serverThumbprint(),
            request.environment(),
            request.roles(),
            System.currentTimeMillis(),
            proxy);
    config = keepLocalSettings(request.home(), config);
    config.save(request.home());
    return config;
  }

  /**
   * Registers an instance that is registered already with one more server, with the same
   * certificate, and adds that server to the ones it polls ({@code cuttle tentacle poll-server}).
   * Nothing is written unless the server accepted it. {@code request.proxy()} is not used: the
   * instance's proxy setting applies to all of its servers.
   *
   * @throws IllegalStateException when the instance has no registration or identity, or already
   *     polls that server (unless {@code request.force()}, for an added one)
   */
  public static ServerLink addServer(Request request) throws IOException {
    TentacleHome home = request.home();
    TentacleConfig config = TentacleConfig.load(home);
    if (config.activeServers().isEmpty()) {
      throw new IllegalStateException(
          "tentacle instance '"
              + home.instance()
              + "' is deregistered from every server; register it first with 'cuttle tentacle"
              + " register --instance "
              + home.instance()
              + " ...'");
    }
    if (config.primaryServer().isAt(request.serverUrl())) {
      throw new IllegalStateException(
          request.serverUrl()
              + " is the server instance '"
              + home.instance()
              + "' registered with first; to register there again use 'cuttle tentacle register"
              + " --force'");
    }
    Optional<ServerLink> existing = config.server(request.serverUrl());
    if (existing.isPresent() && !request.force()) {
      throw new IllegalStateException(
          "instance '"
              + home.instance()
              + "' already polls "
              + existing.get().serverUrl()
              + " (as tentacle "
              + existing.get().tentacleId()
              + "); pass --force to register there again");
    }
    CommsStyle style = commsStyle(request);
    String pollingUrl = pollingUrl(request);
    Identity identity = PemFiles.read(home.directory());
    RegisterTentacleResponse response =
        registerAt(request, identity, config.proxySetting(), style, pollingUrl);
    ServerLink link =
        new ServerLink(
            response.name(),
            response.id(),
            request.serverUrl(),
            pollingUrl,
            style,
            response.serverThumbprint(),
            request.environment(),
            request.roles(),
            System.currentTimeMillis(),
            null);
    config.withoutAdditionalServer(request.serverUrl()).withAdditionalServer(link).save(home);
    return link;
  }

  private static RegisterTentacleResponse registerAt(
      Request request,
      Identity identity,
      TentacleProxy proxy,
      CommsStyle style,
      String pollingUrl) {
    try (ApiClient api =
        ApiClient.connect(
            request.serverUrl(),
            request.apiKey(),
            request.serverThumbprint(),
            proxy.policy(System.getenv()))) {
      return api.register(
          new RegisterTentacleRequest(
              request.name(),
              identity.thumbprint().toString(),
              request.environment(),
              request.roles(),
              style,
              pollingUrl,
              TentacleAgent.VERSION,
              request.force(),
              request.createEnvironment()));
    }
  }

  private static CommsStyle commsStyle(Request request) {
    if ((request.commsAddress() == null) == (request.commsPort() == null)) {
      throw new IllegalArgumentException(
          "give exactly one of --comms-address (e.g. https://polling.example.com:443) or --comms-port (e.g. 10943)");
    }
    return request.commsAddress() != null ? CommsStyle.POLLING_ADDRESS : CommsStyle.LEGACY_PORT;
  }

  private static String pollingUrl(Request request) {
    return request.commsAddress() != null
        ? normalizedCommsAddress(request.commsAddress())
        : "https://"
            + URI.create(request.serverUrl()).getHost()
            + ":"
            + validPort(request.commsPort());
  }

  /**
   * Registering again (--force) keeps the instance's concurrency settings, as it keeps its proxy,
   * and the servers added with poll-server, which trust the same certificate.
   */
  private static TentacleConfig keepLocalSettings(TentacleHome home, TentacleConfig fresh) {
    if (!java.nio.file.Files.exists(home.configFile())) {
      return fresh;
    }
    try {
      TentacleConfig old = TentacleConfig.load(home);
      return fresh
          .withConcurrency(old.maxConcurrentCommands(), old.concurrentPolls())
          .withAdditionalServers(
              old.additionalServers().stream().filter(s -> !s.isAt(fresh.serverUrl())).toList());
    } catch (IOException e) {
      return fresh;
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: the failure being reported matters more than a leftover folder.
    }
  }

  private static TentacleProxy storedProxy(TentacleHome home) {
    if (!java.nio.file.Files.exists(home.configFile())) {
      return TentacleProxy.environment();
    }
    try {
      return TentacleConfig.load(home).proxySetting();
    } catch (IOException e) {
      return TentacleProxy.environment(); // registering again is how a broken file gets replaced
    }
  }

  private static String normalizedCommsAddress(String address) {
    URI uri;
    try {
      uri = URI.create(address);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "--comms-address: '"
              + address
              + "' (expected: an https URL such as https://polling.example.com:443)");
    }
    return "https://" + uri.getHost() + ":" + (uri.getPort() == -1 ? 443 : uri.getPort());
  }

  private static int validPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--comms-port: " + port + " (expected: 1 to 65535)");
    }
    return port;
  }
}
