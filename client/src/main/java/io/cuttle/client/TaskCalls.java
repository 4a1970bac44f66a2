package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.RetryRequest;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskView;

/** Tasks: deployments and scripts started, followed, cancelled and retried. */
interface TaskCalls {
  ApiTransport transport();

  default DeploymentView deploy(DeployRequest request) {
    return transport().post("/api/deployments", request, DeploymentView.class);
  }

  default DeploymentView deployment(String id) {
    return transport().get("/api/deployments/" + encode(id), DeploymentView.class);
  }

  /**
   * Runs a deployment's failed target (tentacle name or command id) again; by deployment or task
   * id.
   */
  default TaskView retry(String deploymentOrTaskId, String target) {
    return transport()
        .post(
            "/api/deployments/" + encode(deploymentOrTaskId) + "/retry",
            new RetryRequest(target),
            TaskView.class);
  }

  default TaskView runScript(RunScriptRequest request) {
    return transport().post("/api/tasks/scripts", request, TaskView.class);
  }

  /** Cancels every target of the task not yet finished; see {@code POST /api/tasks/{id}/cancel}. */
  default TaskView cancel(String taskId) {
    return transport().post("/api/tasks/" + taskId + "/cancel", null, TaskView.class);
  }

  default TaskView task(String taskId) {
    return transport().get("/api/tasks/" + taskId, TaskView.class);
  }

  default TaskLog log(String taskId, long after) {
    return transport().get("/api/tasks/" + taskId + "/log?after=" + after, TaskLog.class);
  }
}
