// The first Cuttle page: the fleet and recent tasks, read from the REST API with an API key.
const KEY_STORAGE = "cuttle.apiKey";
const $ = (id) => document.getElementById(id);

function takeKeyFromFragment() {
  const match = location.hash.match(/key=([^&]+)/);
  if (match) {
    localStorage.setItem(KEY_STORAGE, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);
  }
}

async function api(path, method = "GET") {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}` } });
  if (response.status === 401) {
    throw Object.assign(new Error((await response.json()).detail), { unauthorized: true });
  }
  if (!response.ok) {
    // Problem documents (RFC 9457) say in words what went wrong, e.g. a task that already finished.
    const problem = await response.json().catch(() => null);
    throw new Error(problem?.detail ?? `${path}: ${response.status}`);
  }
  return response.json();
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function ago(millis) {
  if (!millis) return "never";
  const seconds = Math.max(0, Math.round((Date.now() - millis) / 1000));
  if (seconds < 2) return "now";
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(millis).toLocaleString();
}

const ROUTES = { ROUTER: "443-style via router", LEGACY: "legacy port" };

function renderTentacles(tentacles) {
  const body = $("tentacles").querySelector("tbody");
  body.replaceChildren();
  if (tentacles.length === 0) {
    const row = body.insertRow();
    row.append(cell("No tentacles registered yet: see the README for cuttle tentacle register.", "empty"));
    row.firstChild.colSpan = 8;
  }
  for (const t of tentacles) {
    const row = body.insertRow();
    row.dataset.name = t.name;
    row.append(
      cell(t.name), cell(t.environment), cell(t.roles.join(", ")),
      cell(t.online ? "online" : "offline", `state ${t.online ? "online" : "offline"}`),
      cell(t.needsUpgrade ? `${t.version} (needs upgrade)` : t.version, t.needsUpgrade ? "warn" : ""), cell(ROUTES[t.route] ?? "not yet polled"), cell(t.address), cell(ago(t.lastSeenMillis)));
  }
}

function renderRefused(attempts) {
  $("refused").hidden = attempts.length === 0;
  const body = $("refused-table").querySelector("tbody");
  body.replaceChildren();
  for (const a of attempts.slice().reverse()) {
    const row = body.insertRow();
    row.append(cell(a.thumbprint, "id"), cell(a.address), cell(a.reason), cell(String(a.attempts)),
      cell(ago(a.firstSeenMillis)), cell(ago(a.lastSeenMillis)));
  }
}

let selectedTask = null;
let logCursor = 0;
let logFetch = Promise.resolve();

function renderTasks(tasks) {
  const body = $("tasks").querySelector("tbody");
  body.replaceChildren();
  if (tasks.length === 0) {
    const row = body.insertRow();
    row.append(cell("No tasks yet: run one with cuttle script.", "empty"));
    row.firstChild.colSpan = 5;
  }
  for (const task of tasks) {
    const row = body.insertRow();
    row.className = `clickable${task.id === selectedTask ? " selected" : ""}`;
    row.dataset.task = task.id;
    const targets = task.targets.map(targetSummary).join(", ");
    const state = cell(task.state, `state ${task.state}`);
    if (task.state === "RUNNING") state.append(" ", cancelButton(task.id));
    row.append(cell(task.id, "id"), cell(task.description), state, cell(ago(task.createdMillis)), cell(targets));
    row.addEventListener("click", () => selectTask(task.id));
  }
}

function targetSummary(t) {
  // A running target whose cancel is on its way to the tentacle says so (the server's message).
  const state = t.state === "RUNNING" && t.message?.startsWith("cancel requested") ? "CANCELLING" : t.state;
  return `${t.tentacleName}: ${state}${t.exitCode != null ? ` (${t.exitCode})` : ""}`;
}

function cancelButton(taskId) {
  const button = document.createElement("button");
  button.className = "cancel";
  button.textContent = "Cancel";
  button.title = "Stop every target of this task that has not finished";
  button.addEventListener("click", async (event) => {
    event.stopPropagation(); // not a click on the row: do not switch logs
    button.disabled = true;
    try {
      await api(`/api/tasks/${taskId}/cancel`, "POST");
    } catch (error) {
      alert(`Could not cancel ${taskId}: ${error.message}`);
    }
    refresh();
  });
  return button;
}

function selectTask(id) {
  selectedTask = id;
  logCursor = 0;
  $("task-log").hidden = false;
  $("task-log-title").textContent = `Log of ${id}`;
  $("task-log-lines").replaceChildren();
  refreshLog();
}

// One log fetch at a time: two in flight from the same cursor would print lines twice.
function refreshLog() {
  logFetch = logFetch.then(fetchLog, fetchLog);
  return logFetch;
}

async function fetchLog() {
  const task = selectedTask;
  if (!task) return;
  const page = await api(`/api/tasks/${task}/log?after=${logCursor}`);
  if (task !== selectedTask) return; // another task was chosen meanwhile
  const pre = $("task-log-lines");
  for (const line of page.lines) {
    const target = document.createElement("span");
    target.className = "target";
    target.textContent = `[${line.tentacleName}] `;
    const text = document.createElement("span");
    text.className = line.stream;
    text.textContent = `${line.text}\n`;
    pre.append(target, text);
  }
  logCursor = page.next;
  if (page.lines.length) pre.scrollTop = pre.scrollHeight;
}

async function refresh() {
  try {
    const [tentacles, tasks, refused] = await Promise.all([
      api("/api/tentacles"), api("/api/tasks?limit=20"), api("/api/refused-connections")]);
    $("login").hidden = true;
    $("fleet").hidden = $("activity").hidden = false;
    $("forget").hidden = false;
    renderTentacles(tentacles);
    renderRefused(refused);
    renderTasks(tasks);
    if (!selectedTask && tasks.length > 0) {
      selectTask(tasks[0].id); // show the latest task's log without a click
    }
    await refreshLog();
  } catch (error) {
    if (error.unauthorized) {
      $("login").hidden = false;
      $("fleet").hidden = $("activity").hidden = $("refused").hidden = true;
      $("login-error").textContent = localStorage.getItem(KEY_STORAGE) ? error.message : "";
    } else {
      console.warn(error);
    }
  }
}

async function start() {
  takeKeyFromFragment();
  const info = await fetch("/api/server").then((r) => r.json());
  $("server").textContent = `${info.webUrl} · polling ${info.pollingUrl} and port ${info.legacyPollingPort} · thumbprint ${info.thumbprint.slice(0, 16)}…`;
  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(KEY_STORAGE, $("key").value.trim());
    refresh();
  });
  $("forget").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
  await refresh();
  setInterval(refresh, 2000);
}

start();
