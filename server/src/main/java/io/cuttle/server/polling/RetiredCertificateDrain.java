package io.cuttle.server.polling;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * Moves tentacles off connections made before the server's certificate was rotated. A tentacle
 * keeps one connection for hours, so without this it would go on seeing the old certificate, and
 * never learn that the new one is in use. A call on such a connection asks it to shut down
 * gracefully (HTTP/2 GOAWAY): calls under way, a held poll included, finish on it, and the
 * tentacle's next call opens a new connection, which presents the current certificate.
 */
final class RetiredCertificateDrain implements DecoratingHttpServiceFunction {
  private final Supplier<X509Certificate> current;
  private final Duration longestCall;

  /**
   * @param longestCall how long a call may take: the connection is given that long to finish its
   *     calls (Armeria's default, a second, would cut held polls off)
   */
  RetiredCertificateDrain(Supplier<X509Certificate> current, Duration longestCall) {
    this.current = current;
    this.longestCall = longestCall;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    if (presentedRetiredCertificate(ctx.sslSession())) {
      ctx.initiateConnectionShutdown(longestCall);
    }
    return delegate.serve(ctx, req);
  }

  private boolean presentedRetiredCertificate(SSLSession session) {
    if (session == null) {
      return false;
    }
    Certificate[] presented = session.getLocalCertificates();
    return presented != null && presented.length > 0 && !presented[0].equals(current.get());
  }
}
