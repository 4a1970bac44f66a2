// The Cuttle web UI: sign-in, navigation, and one module per page under pages/.
import { api, setSession, whenSignedOut } from "./api.js";
import * as tentacles from "./pages/tentacles.js";
import * as tasks from "./pages/tasks.js";
import * as task from "./pages/task.js";
import * as scriptConsole from "./pages/console.js";
import * as refused from "./pages/refused.js";
import * as users from "./pages/users.js";
import * as audit from "./pages/audit.js";
import * as dashboard from "./pages/dashboard.js";
import * as projects from "./pages/projects.js";
import * as releases from "./pages/releases.js";
import * as packages from "./pages/packages.js";
import * as nodes from "./pages/nodes.js";

const $ = (id) => document.getElementById(id);

// "#/tasks/K-1" -> the task page with id K-1.
const ROUTES = [
  { pattern: /^#\/dashboard$/, page: dashboard, nav: "dashboard" },
  { pattern: /^#\/projects$/, page: projects, nav: "projects" },
  { pattern: /^#\/projects\/([^/]+)$/, page: projects, nav: "projects" },
  { pattern: /^#\/releases$/, page: releases, nav: "releases" },
  { pattern: /^#\/releases\/([^/]+)$/, page: releases, nav: "releases" },
  { pattern: /^#\/packages$/, page: packages, nav: "packages" },
  { pattern: /^#\/tentacles$/, page: tentacles, nav: "tentacles" },
  { pattern: /^#\/tasks$/, page: tasks, nav: "tasks" },
  { pattern: /^#\/tasks\/([\w-]+)$/, page: task, nav: "tasks" },
  { pattern: /^#\/console$/, page: scriptConsole, nav: "console" },
  { pattern: /^#\/refused$/, page: refused, nav: "refused" },
  { pattern: /^#\/users$/, page: users, nav: "users" },
  { pattern: /^#\/audit$/, page: audit, nav: "audit" },
  { pattern: /^#\/nodes$/, page: nodes, nav: "nodes" },
];

let session = null;
let leavePage = null;

function showLogin(message = "") {
  session = null;
  setSession(null);
  leavePage?.();
  leavePage = null;
  $("app").hidden = true;
  $("login-page").hidden = false;
  $("login-error").textContent = message;
  $("login-password").value = "";
  $("login-name").focus();
}

function showApp(signedIn) {
  session = signedIn;
  setSession(signedIn);
  document.body.classList.toggle("viewer", signedIn.role !== "admin");
  $("who").textContent = `${signedIn.user} · ${signedIn.role}`;
  $("login-page").hidden = true;
  $("app").hidden = false;
  route();
}

function route() {
  if (!session) return;
  const hash = location.hash || "#/tentacles";
  const match = ROUTES.map((r) => ({ r, m: hash.match(r.pattern) })).find((x) => x.m);
  if (!match) {
    location.hash = "#/tentacles";
    return;
  }
  leavePage?.();
  for (const link of document.querySelectorAll("#nav a[data-page]")) {
    link.classList.toggle("current", link.dataset.page === match.r.nav);
  }
  const view = $("view");
  view.replaceChildren();
  leavePage = match.r.page.render(view, { role: session.role, user: session.user, params: match.m.slice(1) }) ?? null;
}

async function start() {
  whenSignedOut((error) => showLogin(error.message));
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      showApp(await api("/api/login", { method: "POST", body: { name: $("login-name").value.trim(), password: $("login-password").value } }));
    } catch (error) {
      showLogin(error.message);
    }
  });
  $("logout").addEventListener("click", async () => {
    await api("/api/logout", { method: "POST" }).catch(() => null);
    showLogin();
  });
  window.addEventListener("hashchange", route);
  try {
    showApp(await api("/api/session"));
  } catch {
    showLogin();
  }
}

start();
