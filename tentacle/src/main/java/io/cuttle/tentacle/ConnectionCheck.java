package io.cuttle.tentacle;

import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A step-by-step diagnosis of an instance's path to its server, for the person at the target who
 * has to ask someone else (the firewall, proxy or server admin) to fix it: name resolution, TCP,
 * TLS, the server's identity, whether the name reached the polling listener or the web app, and
 * whether the server knows this tentacle. It stops at the first failure; later steps could only
 * fail for the same reason.
 *
 * <p>Probes that do not wait on each other run at once, since each costs the command a cold start
 * of its own client: every server of the instance, and for each, the path ({@link PollingPath})
 * beside the registration call and the question of what the server advertises. The steps are
 * reported in the order and words of a check run one after another.
 */
public final class ConnectionCheck {
  static final int TIMEOUT_MILLIS = 10_000;
  static final int MAX_PAGE_BYTES = 64 * 1024;

  private ConnectionCheck() {}

  /** The steps run for one server; the last one tells. */
  public record ServerCheck(String serverUrl, List<CheckStep> steps) {
    public boolean passed() {
      return steps.stream().allMatch(CheckStep::passed);
    }
  }

  /**
   * Runs every step it can for each server the instance at {@code home} is registered with, or only
   * for the one at {@code serverUrl} when that is not null.
   *
   * @throws IllegalArgumentException when the instance does not poll {@code serverUrl}
   */
  public static List<ServerCheck> run(TentacleHome home, String serverUrl) throws IOException {
    TentacleConfig config = TentacleConfig.load(home);
    if (config.activeServers().isEmpty()) {
      return List.of(
          new ServerCheck(
              config.serverUrl(),
              List.of(
                  CheckStep.fail(
                      "Registration",
                      "this instance was deregistered from "
                          + config.serverUrl()
                          + " at "
                          + Instant.ofEpochMilli(config.deregisteredAtMillis()),
                      "Register it again with 'cuttle tentacle register --instance "
                          + home.instance()
                          + " ...' if it should poll again."))));
    }
    List<ServerLink> servers =
        config.activeServers().stream()
            .filter(s -> serverUrl == null || s.isAt(serverUrl))
            .toList();
    if (servers.isEmpty()) {
      throw new IllegalArgumentException(
          "--server: instance '"
              + home.instance()
              + "' is not registered with "
              + serverUrl
              + " (it polls "
              + String.join(
                  ", ", config.activeServers().stream().map(ServerLink::serverUrl).toList())
              + ")");
    }
    Identity identity = PemFiles.read(home.directory());
    ProxyPolicy proxies = config.proxySetting().policy(System.getenv());
    List<CompletableFuture<ServerCheck>> checks = new ArrayList<>();
    for (ServerLink server : servers) {
      checks.add(Probes.start(server.serverUrl(), () -> check(server, identity, proxies)));
    }
    return checks.stream().map(Probes::join).toList();
  }

  /**
   * Checks one polling address the way the tentacle connects to it: {@code server.pollingUrl()}
   * with the same server name, ALPN marker and proxy, presenting {@code identity} and comparing
   * what the server presents with {@code server.serverPins()}. Stops at the first failed step.
   */
  public static ServerCheck check(ServerLink server, Identity identity, ProxyPolicy proxies) {
    CompletableFuture<CheckStep> registration =
        Probes.start("registration", () -> RegistrationStep.run(server, identity, proxies));
    List<CheckStep> steps =
        new ArrayList<>(PollingPath.probe(server, identity, proxies, advertised(server, proxies)));
    if (steps.stream().allMatch(CheckStep::passed)) {
      steps.add(Probes.join(registration));
    }
    return new ServerCheck(server.serverUrl(), List.copyOf(steps));
  }

  /**
   * Checks the path to a polling address before the tentacle is registered there, as {@code cuttle
   * tentacle register} does: every step of {@link #check} but the last, since the server cannot
   * know the tentacle yet. {@code server.tentacleId()} may be null.
   */
  public static ServerCheck checkPath(ServerLink server, Identity identity, ProxyPolicy proxies) {
    return new ServerCheck(
        server.serverUrl(),
        PollingPath.probe(server, identity, proxies, advertised(server, proxies)));
  }

  /**
   * What the server advertises when that is not the instance's polling address: asked at once,
   * beside the path, and waited for only by a step that needs it.
   */
  private static Supplier<Optional<AdvertisedAddresses>> advertised(
      ServerLink server, ProxyPolicy proxies) {
    CompletableFuture<Optional<AdvertisedAddresses>> lookup =
        Probes.start(
            "advertised addresses",
            () ->
                AdvertisedAddresses.of(server, proxies)
                    .filter(a -> !a.includes(server.pollingUrl())));
    return () -> Probes.join(lookup);
  }
}
