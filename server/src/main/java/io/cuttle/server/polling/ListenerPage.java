package io.cuttle.server.polling;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.common.pki.Thumbprint;
import java.util.function.Supplier;

/**
 * What a browser or curl sees when it reaches the polling listener: a short page saying what this
 * is, so someone checking a firewall or proxy path knows it led to the right place (and that a
 * tentacle, not a browser, belongs here). It needs no client certificate and reveals nothing the
 * TLS handshake did not already show.
 */
final class ListenerPage implements HttpService {
  private final Supplier<Thumbprint> serverThumbprint;

  ListenerPage(Supplier<Thumbprint> serverThumbprint) {
    this.serverThumbprint = serverThumbprint;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    String html =
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Cuttle polling listener</title></head>
        <body>
        <h1>Cuttle polling listener</h1>
        <p>You have reached the polling listener of a Cuttle server. Tentacles connect here with
        their own certificate; there is nothing to see in a browser.</p>
        <p>If a tentacle's check led you here, the network path works. The server's thumbprint,
        which the tentacle pins, is <code>%s</code>.</p>
        <p>The web app is on the server's other name: the same host without <code>polling.</code>.</p>
        </body></html>
        """
            .formatted(serverThumbprint.get());
    return HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, html);
  }
}
