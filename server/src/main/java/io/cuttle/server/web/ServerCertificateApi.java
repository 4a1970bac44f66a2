package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.identity.ServerCertificates;
import java.io.IOException;

/**
 * {@code /api/server-certificate}: rotating the certificate the server presents on its web and
 * polling listeners, without a restart and without cutting tentacles off.
 */
final class ServerCertificateApi {
  private final ServerCertificates certificates;
  private final JsonResponses responses;

  ServerCertificateApi(ServerCertificates certificates, JsonResponses responses) {
    this.certificates = certificates;
    this.responses = responses;
  }

  @Get("/server-certificate")
  public HttpResponse status() {
    return responses.ok(certificates.status());
  }

  /**
   * Creates the next certificate (replacing one not yet activated); tentacles learn it. With {@code
   * fromPrevious=true} it is the one the last activation replaced, to go back to it.
   */
  @Post("/server-certificate/next")
  public HttpResponse createNext(@Param("fromPrevious") @Default("false") boolean fromPrevious)
      throws IOException {
    try {
      return responses.created(certificates.createNext(fromPrevious));
    } catch (IllegalStateException e) {
      throw ApiException.conflict(e.getMessage());
    }
  }

  /**
   * Presents the next certificate from now on; refused (409) while an online tentacle lacks its
   * pin, unless {@code force=true}.
   */
  @Post("/server-certificate/activate")
  public HttpResponse activate(@Param("force") @Default("false") boolean force) throws IOException {
    try {
      return responses.ok(certificates.activate(force));
    } catch (IllegalStateException e) {
      throw ApiException.conflict(e.getMessage());
    }
  }
}
