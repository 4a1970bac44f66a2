// Which release of each project is in each environment: a grid, projects down, environments across.
import { api } from "../api.js";
import { el, ago, section, errorLine } from "../dom.js";

function cell(project, c) {
  const { deployed, latest } = c;
  const parts = [];
  if (deployed) {
    parts.push(el("a", { className: "release SUCCEEDED", href: `#/tasks/${deployed.taskId}`, title: `deployed ${ago(deployed.createdMillis)} by ${deployed.createdBy}` }, deployed.release));
  } else {
    parts.push(el("span", { className: "empty" }, "none"));
  }
  // The newest deployment is worth a line of its own only when it is not the one in place.
  if (latest && latest.id !== deployed?.id) {
    parts.push(el("a", { className: `latest ${latest.state}`, href: `#/tasks/${latest.taskId}` },
      `${latest.release}: ${latest.state}`));
  }
  return el("td", { "data-project": project, "data-environment": c.environment }, ...parts);
}

export function render(view) {
  const grid = el("div", { id: "dashboard" });
  const error = errorLine();
  view.append(section("Dashboard",
    el("p", { className: "hint" }, "The release last deployed successfully to each environment; a newer deployment that is running or failed shows below it."),
    error, grid));

  async function refresh() {
    try {
      const dashboard = await api("/api/dashboard");
      error.show(null);
      if (dashboard.projects.length === 0) {
        grid.replaceChildren(el("p", { className: "empty" }, "No projects yet: create one on the Projects page."));
        return;
      }
      grid.replaceChildren(el("table", { className: "grid" },
        el("thead", {}, el("tr", {}, el("th", {}, "Project"), dashboard.environments.map((e) => el("th", {}, e)))),
        el("tbody", {}, dashboard.projects.map((row) => el("tr", {},
          el("th", {}, el("a", { href: `#/projects/${encodeURIComponent(row.project)}` }, row.project)),
          row.cells.map((c) => cell(row.project, c)))))));
    } catch (e) {
      error.show(e);
    }
  }
  refresh();
  const timer = setInterval(refresh, 3000);
  return () => clearInterval(timer);
}
