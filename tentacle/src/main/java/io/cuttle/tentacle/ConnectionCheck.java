package io.cuttle.tentacle;

import io.cuttle.client.proxy.ProxyAddress;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.net.LoopbackNames;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A step-by-step diagnosis of an instance's path to its server, for the person at the target who
 * has to ask someone else (the firewall, proxy or server admin) to fix it: name resolution, TCP,
 * TLS, the server's identity, whether the name reached the polling listener or the web app, and
 * whether the server knows this tentacle. It stops at the first failure; later steps could only
 * fail for the same reason.
 */
public final class ConnectionCheck {
  static final int TIMEOUT_MILLIS = 10_000;
  static final int MAX_PAGE_BYTES = 64 * 1024;
  static final String LISTENER_PAGE_MARK = "Cuttle polling listener";

  private final ServerLink server;
  private final Identity identity;
  private final ProxyPolicy proxies;
  private final String host;
  private final int port;
  private final List<CheckStep> steps = new ArrayList<>();
  private Optional<AdvertisedAddresses> advertised;

  private ConnectionCheck(ServerLink server, Identity identity, ProxyPolicy proxies) {
    this.server = server;
    this.identity = identity;
    this.proxies = proxies;
    URI url = URI.create(server.pollingUrl());
    this.host = url.getHost();
    this.port = url.getPort() < 0 ? 443 : url.getPort();
  }

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
                          + java.time.Instant.ofEpochMilli(config.deregisteredAtMillis()),
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
    List<ServerCheck> checks = new ArrayList<>();
    for (ServerLink server : servers) {
      checks.add(check(server, identity, proxies));
    }
    return checks;
  }

  /**
   * Checks one polling address the way the tentacle connects to it: {@code server.pollingUrl()}
   * with the same server name, ALPN marker and proxy, presenting {@code identity} and comparing
   * what the server presents with {@code server.serverPins()}. Stops at the first failed step.
   */
  public static ServerCheck check(ServerLink server, Identity identity, ProxyPolicy proxies) {
    ConnectionCheck check = new ConnectionCheck(server, identity, proxies);
    check.runSteps(true);
    return new ServerCheck(server.serverUrl(), List.copyOf(check.steps));
  }

  /**
   * Checks the path to a polling address before the tentacle is registered there, as {@code cuttle
   * tentacle register} does: every step of {@link #check} but the last, since the server cannot
   * know the tentacle yet. {@code server.tentacleId()} may be null.
   */
  public static ServerCheck checkPath(ServerLink server, Identity identity, ProxyPolicy proxies) {
    ConnectionCheck check = new ConnectionCheck(server, identity, proxies);
    check.runSteps(false);
    return new ServerCheck(server.serverUrl(), List.copyOf(check.steps));
  }

  private void runSteps(boolean askRegistration) {
    Optional<ProxyAddress> proxy = proxies.proxyFor(host);
    String firstHop = proxy.map(ProxyAddress::host).orElse(host);
    int firstPort = proxy.map(ProxyAddress::port).orElse(port);
    InetAddress address = resolve(firstHop);
    if (address == null) {
      return;
    }
    try (Socket tcp = connect(address, firstHop, firstPort, proxy.isPresent())) {
      if (tcp == null || (proxy.isPresent() && !tunnel(tcp, proxy.get()))) {
        return;
      }
      SSLSocket tls = handshake(tcp);
      if (tls == null || !identityMatches(tls) || !reachedPollingListener(tls)) {
        return;
      }
      if (askRegistration) {
        steps.add(RegistrationStep.run(server, identity, proxies));
      }
    } catch (IOException closing) {
      // Nothing to report: every step has already said how it ended.
    }
  }

  private InetAddress resolve(String host) {
    String title = "Name resolution of " + host;
    try {
      InetAddress[] all =
          LoopbackNames.isLoopbackName(host)
              ? new InetAddress[] {InetAddress.getLoopbackAddress()}
              : InetAddress.getAllByName(host);
      steps.add(
          CheckStep.pass(
              title, Arrays.stream(all).map(InetAddress::getHostAddress).toList().toString()));
      return all[0];
    } catch (UnknownHostException e) {
      steps.add(
          CheckStep.fail(
              title,
              host + " does not resolve on this machine",
              "Ask whoever runs DNS for this network to make "
                  + host
                  + " resolve here (or add it to /etc/hosts), or check the comms address "
                  + (server.tentacleId() == null
                      ? "given: "
                      : "this tentacle was registered with: ")
                  + server.pollingUrl()));
      return null;
    }
  }

  private Socket connect(InetAddress address, String host, int port, boolean toProxy) {
    String target = NetUtil.toSocketAddressString(new InetSocketAddress(address, port));
    String title = (toProxy ? "TCP connection to the proxy " : "TCP connection to ") + target;
    Socket socket = new Socket();
    long start = System.nanoTime();
    try {
      socket.connect(new InetSocketAddress(address, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      steps.add(
          CheckStep.pass(
              title,
              "connected in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"));
      return socket;
    } catch (SocketTimeoutException e) {
      steps.add(
          CheckStep.fail(
              title,
              "no answer within " + Duration.ofMillis(TIMEOUT_MILLIS).toSeconds() + " s",
              "Packets to "
                  + target
                  + " are being dropped. Ask the firewall admin to allow outbound TCP from this"
                  + " machine to "
                  + host
                  + " port "
                  + port
                  + "."));
    } catch (ConnectException e) {
      steps.add(
          CheckStep.fail(
              title,
              "refused (" + e.getMessage() + ")",
              "Nothing accepts connections on "
                  + target
                  + ", or a firewall rejects them. Ask the firewall admin to allow outbound TCP to "
                  + host
                  + " port "
                  + port
                  + ", and the server admin whether the server (or its router) listens there."
                  + (toProxy
                      ? ""
                      : otherAdvertised()
                          .map(a -> " The server advertises " + a + " for polling.")
                          .orElse(""))));
    } catch (IOException e) {
      steps.add(CheckStep.fail(title, e.toString(), "Ask the network admin about " + target + "."));
    }
    closeQuietly(socket);
    return null;
  }

  private boolean tunnel(Socket tcp, ProxyAddress proxy) {
    CheckStep step = ProxyTunnelStep.open(tcp, proxy, host, port);
    steps.add(step);
    return step.passed();
  }

  private SSLSocket handshake(Socket tcp) {
    String title = "TLS handshake (server name " + host + ")";
    TlsProbe probe = new TlsProbe(identity);
    try {
      SSLSocket tls = probe.handshake(tcp, host, port);
      steps.add(
          CheckStep.pass(
              title,
              tls.getSession().getProtocol()
                  + ", server certificate "
                  + Thumbprint.of(probe.presented())));
      return tls;
    } catch (SSLException e) {
      steps.add(
          CheckStep.fail(
              title,
              e.getMessage(),
              "The TLS handshake with "
                  + host
                  + " failed. If a proxy or firewall inspects TLS, ask for an exception for "
                  + host
                  + ": the tentacle pins the server's own certificate and cannot work through"
                  + " interception."));
    } catch (IOException e) {
      steps.add(
          CheckStep.fail(
              title,
              e.toString(),
              "The connection broke during the TLS handshake. Something on the way to "
                  + host
                  + " closes TLS connections: ask the firewall or proxy admin."));
    }
    return null;
  }

  private boolean identityMatches(SSLSocket tls) {
    String title = "Server identity";
    Thumbprint presented = TlsProbe.presented(tls);
    Thumbprint pinned = Thumbprint.parse(server.serverThumbprint());
    if (presented.equals(pinned)) {
      steps.add(
          CheckStep.pass(
              title,
              "the server presented the pinned thumbprint "
                  + pinned
                  + (server.nextServerThumbprint() == null
                      ? ""
                      : "; also pinned: the server's next certificate "
                          + server.nextServerThumbprint())));
      return true;
    }
    if (server.serverPins().contains(presented)) {
      steps.add(
          CheckStep.pass(
              title,
              "the server presented its next certificate "
                  + presented
                  + ", pinned beside "
                  + pinned
                  + "; the running tentacle makes it the only pin on its next connection"));
      return true;
    }
    steps.add(
        CheckStep.fail(
            title,
            "the server presented "
                + presented
                + ", but this tentacle pinned "
                + String.join(
                    " or ", server.serverPins().stream().map(Thumbprint::toString).toList()),
            "Either something on the way intercepts TLS (ask the network admin for an exception"
                + " for "
                + host
                + "), or the server's certificate changed (ask the server admin; then register"
                + " again with --force)."));
    return false;
  }

  private boolean reachedPollingListener(SSLSocket tls) {
    String title = "Route to the polling listener";
    String page;
    try {
      tls.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      page = readUpTo(tls.getInputStream(), MAX_PAGE_BYTES);
    } catch (IOException e) {
      steps.add(
          CheckStep.fail(
              title, e.toString(), "The connection broke after TLS: ask the proxy admin."));
      return false;
    }
    Optional<AdvertisedAddresses> advertised = otherAdvertised();
    if (page.contains(LISTENER_PAGE_MARK)) {
      steps.add(
          CheckStep.pass(
              title,
              host
                  + ":"
                  + port
                  + " leads to the polling listener"
                  + advertised
                      .map(a -> "; it is not an address the server advertises (" + a + ")")
                      .orElse("")));
      return true;
    }
    if (advertised.isPresent()) {
      steps.add(
          CheckStep.fail(
              title,
              host + ":" + port + " does not lead to the polling listener",
              "It is not an address the server advertises for polling ("
                  + advertised.get()
                  + "). Register this instance again with --force and "
                  + advertised.get().registerOptions()
                  + "."));
      return false;
    }
    String reached =
        page.contains("<title>Cuttle</title>")
            ? "the Cuttle web app, not the polling listener"
            : "something that is not Cuttle's polling listener";
    steps.add(
        CheckStep.fail(
            title,
            host + ":" + port + " leads to " + reached,
            "The router or proxy in front of the server sends the name "
                + host
                + " elsewhere. Ask its admin to route "
                + host
                + " (by SNI) to the server's polling listener, as docs/reverse-proxy.md shows."));
    return false;
  }

  /** What the server advertises, when that is not this instance's polling address; asked once. */
  private Optional<AdvertisedAddresses> otherAdvertised() {
    if (advertised == null) {
      advertised =
          AdvertisedAddresses.of(server, proxies).filter(a -> !a.includes(server.pollingUrl()));
    }
    return advertised;
  }

  private static String readUpTo(InputStream in, int limit) throws IOException {
    byte[] page = in.readNBytes(limit);
    return new String(page, StandardCharsets.UTF_8);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already failed; the step says why.
    }
  }
}
