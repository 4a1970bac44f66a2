// One task: its targets and its log, arriving live over server-sent events, one block per target;
// a deployment's targets are grouped under their steps, in process order.
import { api } from "../api.js";
import { el, when, section, errorLine } from "../dom.js";
import { targetSummary } from "./tasks.js";

export function render(view, { params: [id] }) {
  const title = el("h2", {}, `Task ${id}`);
  const state = el("span", { id: "task-state", className: "state" });
  const error = errorLine();
  const cancel = el("button", { id: "cancel-task", className: "danger", "data-admin": true, hidden: true }, "Cancel");
  const download = el("a", { href: `/api/tasks/${id}/log.txt`, download: `${id}.log`, className: "button secondary" }, "Download log");
  const targets = el("div", { id: "task-targets", className: "targets" });
  const live = el("span", { id: "live", className: "hint" });
  const blocks = new Map(); // commandId -> the <pre> of that target's lines
  const steps = new Map(); // step name -> the element holding its targets' blocks

  view.append(el("section", {}, el("div", { className: "task-head" }, title, state, cancel, download), error, live, targets));

  // Ad-hoc tasks have no steps: their blocks go straight into the page.
  function groupFor(stepName) {
    if (!stepName) return targets;
    if (!steps.has(stepName)) {
      const group = el("div", { className: "step", "data-step": stepName }, el("h3", { className: "step-name" }, `Step: ${stepName}`));
      targets.append(group);
      steps.set(stepName, group);
    }
    return steps.get(stepName);
  }

  function blockFor(commandId, name, stepName) {
    if (!blocks.has(commandId)) {
      const pre = el("pre", { className: "log", "data-target": name });
      const heading = el("h4", { "data-command": commandId }, name);
      groupFor(stepName).append(el("div", { className: "target-log" }, heading, pre));
      blocks.set(commandId, { pre, heading });
    }
    return blocks.get(commandId);
  }

  function showTask(task) {
    title.textContent = `${task.id}: ${task.description}`;
    state.textContent = task.state;
    state.className = `state ${task.state}`;
    cancel.hidden = task.state !== "RUNNING";
    // Targets come in process order, so making their groups here puts the steps in order too.
    for (const t of task.targets) {
      const block = blockFor(t.commandId, t.tentacleName, t.stepName);
      block.heading.textContent = targetSummary(t) + (t.message ? ` — ${t.message}` : "");
    }
  }

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      showTask(await api(`/api/tasks/${id}/cancel`, { method: "POST" }));
      error.show(null);
    } catch (e) {
      error.show(e);
    }
    cancel.disabled = false;
  });

  // EventSource reconnects by itself after a network error, sending the last line's cursor as
  // Last-Event-ID, so the server resumes where the page was.
  const source = new EventSource(`/api/tasks/${id}/log/stream`);
  live.textContent = "Following the log live…";
  source.addEventListener("line", (event) => {
    const line = JSON.parse(event.data);
    const { pre } = blockFor(line.commandId, line.tentacleName, line.stepName);
    const follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(el("span", { className: line.stream, title: when(line.timestampMillis) }, `${line.text}\n`));
    if (follow) pre.scrollTop = pre.scrollHeight;
  });
  source.addEventListener("task", (event) => showTask(JSON.parse(event.data)));
  source.addEventListener("end", (event) => {
    showTask(JSON.parse(event.data));
    live.textContent = `Finished: the whole log is shown.`;
    source.close();
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      live.textContent = "The log stream stopped; reload the page to follow it again.";
    } else {
      live.textContent = "Connection lost; reconnecting…";
    }
  });
  return () => source.close();
}
