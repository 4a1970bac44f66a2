package io.cuttle.tentacle;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.Thumbprint;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The TLS steps of {@code cuttle tentacle check}: the handshake, as the tentacle makes it, and
 * whether the server presented a certificate this tentacle pinned. Each adds its step to the
 * check's list.
 */
final class TlsSteps {
  private final ServerLink server;
  private final Identity identity;
  private final String host;
  private final int port;
  private final List<CheckStep> steps;

  TlsSteps(ServerLink server, Identity identity, String host, int port, List<CheckStep> steps) {
    this.server = server;
    this.identity = identity;
    this.host = host;
    this.port = port;
    this.steps = steps;
  }

  /** The TLS session over {@code tcp}, or null when the handshake failed. */
  SSLSocket handshake(Socket tcp) {
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

  boolean identityMatches(SSLSocket tls) {
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
}
