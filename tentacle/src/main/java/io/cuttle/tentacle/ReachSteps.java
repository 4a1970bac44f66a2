package io.cuttle.tentacle;

import io.cuttle.common.net.LoopbackNames;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The first steps of {@code cuttle tentacle check}: does the first hop's name resolve here, and
 * does it accept a TCP connection? Each adds its step to the check's list.
 */
final class ReachSteps {
  private final ServerLink server;
  private final List<CheckStep> steps;

  ReachSteps(ServerLink server, List<CheckStep> steps) {
    this.server = server;
    this.steps = steps;
  }

  /** The first address {@code host} resolves to, or null when it does not resolve. */
  InetAddress resolve(String host) {
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

  /**
   * A connected socket, or null when the connection failed. {@code advertised} names the server's
   * polling addresses in the advice for a refused connection, when this is not one of them.
   */
  Socket connect(
      InetAddress address,
      String host,
      int port,
      boolean toProxy,
      Supplier<Optional<AdvertisedAddresses>> advertised) {
    String target = NetUtil.toSocketAddressString(new InetSocketAddress(address, port));
    String title = (toProxy ? "TCP connection to the proxy " : "TCP connection to ") + target;
    Socket socket = new Socket();
    long start = System.nanoTime();
    try {
      socket.connect(new InetSocketAddress(address, port), ConnectionCheck.TIMEOUT_MILLIS);
      socket.setSoTimeout(ConnectionCheck.TIMEOUT_MILLIS);
      steps.add(
          CheckStep.pass(
              title,
              "connected in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"));
      return socket;
    } catch (SocketTimeoutException e) {
      steps.add(
          CheckStep.fail(
              title,
              "no answer within "
                  + Duration.ofMillis(ConnectionCheck.TIMEOUT_MILLIS).toSeconds()
                  + " s",
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
                  + advertised
                      .get()
                      .map(a -> " The server advertises " + a + " for polling.")
                      .orElse("")));
    } catch (IOException e) {
      steps.add(CheckStep.fail(title, e.toString(), "Ask the network admin about " + target + "."));
    }
    closeQuietly(socket);
    return null;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already failed; the step says why.
    }
  }
}
