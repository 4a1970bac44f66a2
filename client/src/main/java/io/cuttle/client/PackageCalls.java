package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Path;
import java.util.List;

/** Packages in the server's feed: pushed, listed, deleted and deployed on their own. */
interface PackageCalls {
  ApiTransport transport();

  /**
   * Pushes the package file, streamed from disk. With {@code id} and {@code version} null the
   * server reads both from the file's name, such as {@code Acme.Web.1.2.0.zip}.
   */
  default PackageView pushPackage(Path file, String id, String version) {
    StringBuilder path = new StringBuilder("/api/packages?");
    if (id == null && version == null) {
      path.append("fileName=").append(encode(file.getFileName().toString()));
    } else {
      path.append("id=").append(encode(id == null ? "" : id));
      path.append("&version=").append(encode(version == null ? "" : version));
    }
    return transport().upload(path.toString(), file, PackageView.class);
  }

  default List<PackageView> packages() {
    return transport().list("/api/packages", PackageView.class);
  }

  default PackageView deletePackage(String id, String version) {
    return transport()
        .delete("/api/packages/" + encode(id) + "/" + encode(version), PackageView.class);
  }

  default TaskView deployPackage(DeployPackageRequest request) {
    return transport().post("/api/tasks/packages", request, TaskView.class);
  }
}
