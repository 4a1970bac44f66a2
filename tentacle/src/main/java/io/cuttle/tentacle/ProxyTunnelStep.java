package io.cuttle.tentacle;

import io.cuttle.client.proxy.ProxyAddress;
import io.cuttle.client.proxy.ProxyRefusal;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The proxy step of {@code cuttle tentacle check}: a CONNECT tunnel, as the tentacle asks. */
final class ProxyTunnelStep {
  private ProxyTunnelStep() {}

  /** Asks the proxy for a tunnel to the polling address, as the tentacle's own client does. */
  static CheckStep open(Socket tcp, ProxyAddress proxy, String host, int port) {
    String target = host + ":" + port;
    String title = "Proxy tunnel (CONNECT " + target + ")";
    try {
      StringBuilder request =
          new StringBuilder("CONNECT ")
              .append(target)
              .append(" HTTP/1.1\r\nHost: ")
              .append(target)
              .append("\r\n");
      if (proxy.hasCredentials()) {
        String token = proxy.username() + ":" + proxy.password();
        request
            .append("Proxy-Authorization: Basic ")
            .append(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
            .append("\r\n");
      }
      tcp.getOutputStream()
          .write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      String status = readHeaders(tcp.getInputStream());
      if (status.matches("HTTP/1\\.[01] 200.*")) {
        return CheckStep.pass(title, "the proxy " + proxy.url() + " opened the tunnel");
      }
      // The same words the running tentacle logs for the same answer.
      String answer = status.replaceFirst("^HTTP/1\\.[01] ", "");
      return CheckStep.fail(
          title, "the proxy answered: " + status, ProxyRefusal.forAnswer(answer, proxy, target));
    } catch (IOException e) {
      return CheckStep.fail(
          title,
          e.toString(),
          "The proxy closed the connection instead of answering: ask the proxy admin.");
    }
  }

  /** The status line of an HTTP answer, after reading (and dropping) its header lines. */
  private static String readHeaders(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    String status = null;
    int total = 0;
    for (int c; (c = in.read()) >= 0 && total++ < ConnectionCheck.MAX_PAGE_BYTES; ) {
      if (c == '\n') {
        String text = line.toString().strip();
        if (status == null) {
          status = text;
        } else if (text.isEmpty()) {
          return status;
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    throw new IOException("the proxy's answer ended early: " + (status == null ? line : status));
  }
}
