package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.ReleaseView;
import io.cuttle.wire.api.VariableRequest;
import io.cuttle.wire.api.VariableView;
import java.util.List;

/** Projects, their variables and their releases. */
interface ProjectCalls {
  ApiTransport transport();

  default List<ProjectView> projects() {
    return transport().list("/api/projects", ProjectView.class);
  }

  default ProjectView project(String name) {
    return transport().get("/api/projects/" + encode(name), ProjectView.class);
  }

  default ProjectView createProject(ProjectRequest request) {
    return transport().post("/api/projects", request, ProjectView.class);
  }

  default ProjectView replaceProject(String name, ProjectRequest request) {
    return transport().put("/api/projects/" + encode(name), request, ProjectView.class);
  }

  default void deleteProject(String name) {
    transport().delete("/api/projects/" + encode(name), Void.class);
  }

  default List<VariableView> variables(String project) {
    return transport().list("/api/projects/" + encode(project) + "/variables", VariableView.class);
  }

  default VariableView addVariable(String project, VariableRequest request) {
    return transport()
        .post("/api/projects/" + encode(project) + "/variables", request, VariableView.class);
  }

  default void deleteVariable(String project, String variableId) {
    transport()
        .delete(
            "/api/projects/" + encode(project) + "/variables/" + encode(variableId), Void.class);
  }

  default List<ReleaseView> releases(String project) {
    return transport().list("/api/projects/" + encode(project) + "/releases", ReleaseView.class);
  }

  default ReleaseView createRelease(String project, CreateReleaseRequest request) {
    return transport()
        .post("/api/projects/" + encode(project) + "/releases", request, ReleaseView.class);
  }
}
