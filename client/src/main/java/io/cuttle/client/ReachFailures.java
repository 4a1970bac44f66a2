package io.cuttle.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a server could not be reached, in one plain sentence: refused, timed out, a name that does
 * not resolve, or a port that does not speak TLS. Netty's own words ({@code
 * AnnotatedConnectException ... finishConnect(..) failed with error(-111)}) stay in the exception's
 * cause, which the command line shows with {@code --verbose}.
 */
final class ReachFailures {
  private ReachFailures() {}

  /** The sentence for {@code failure}, or empty when it is none of the usual ones. */
  static Optional<String> explain(Throwable failure, URI server) {
    String host = server.getHost();
    int port = server.getPort() == -1 ? 443 : server.getPort();
    String address = host + ":" + port;
    if (has(failure, SSLException.class) && !has(failure, NotSslRecordException.class)) {
      return Optional.empty(); // A handshake that failed: the trust check says why, in its words.
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return Optional.of(
            "the name '"
                + host
                + "' does not resolve on this machine (name not found): check the spelling of"
                + " --server, or ask whoever runs DNS here");
      }
      if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
        return Optional.of(
            "no answer from "
                + address
                + " (connection timed out): a firewall may be dropping the packets, or the"
                + " address is wrong");
      }
      if (t instanceof NoRouteToHostException) {
        return Optional.of(
            "no route to " + address + " from this machine: ask the network admin about it");
      }
      if (t instanceof ConnectException) {
        return Optional.of(
            "nothing accepts connections at "
                + address
                + " (connection refused): is the server running, and is "
                + server.getScheme()
                + "://"
                + address
                + " its web URL (the one 'cuttle server' prints at start)?");
      }
      if (t instanceof NotSslRecordException) {
        return Optional.of(
            address
                + " does not speak TLS (TLS mismatch): it is not a Cuttle server's web URL; use"
                + " the https:// address 'cuttle server' prints at start");
      }
      if (t instanceof ClosedChannelException) {
        return Optional.of(
            address
                + " closed the connection before answering: if it is not a Cuttle server's web URL,"
                + " use the one 'cuttle server' prints at start");
      }
    }
    return Optional.empty();
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> kind) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
