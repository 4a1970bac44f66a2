package io.cuttle.client;

import io.cuttle.wire.api.NodeView;
import io.cuttle.wire.api.ServerCertificateStatus;
import io.cuttle.wire.api.ServerInfo;
import java.util.List;

/** The server itself: what it is, its nodes, and the rotation of its certificate. */
interface ServerCalls {
  ApiTransport transport();

  default ServerInfo serverInfo() {
    return transport().get("/api/server", ServerInfo.class);
  }

  /** The server nodes using the server's database, the one answering marked. */
  default List<NodeView> nodes() {
    return transport().list("/api/nodes", NodeView.class);
  }

  /** Where a rotation of the server's own certificate stands. */
  default ServerCertificateStatus serverCertificate() {
    return transport().get("/api/server-certificate", ServerCertificateStatus.class);
  }

  /**
   * Creates the server's next certificate, replacing one not yet activated; with {@code
   * fromPrevious}, the next one is the certificate the last activation replaced.
   */
  default ServerCertificateStatus createNextServerCertificate(boolean fromPrevious) {
    return transport()
        .post(
            "/api/server-certificate/next" + (fromPrevious ? "?fromPrevious=true" : ""),
            null,
            ServerCertificateStatus.class);
  }

  /**
   * Makes the server present its next certificate; refused (409) while an online tentacle does not
   * hold it, unless {@code force}.
   */
  default ServerCertificateStatus activateServerCertificate(boolean force) {
    return transport()
        .post(
            "/api/server-certificate/activate" + (force ? "?force=true" : ""),
            null,
            ServerCertificateStatus.class);
  }
}
