// Projects: the list, one project's process and variables, and creating one from the same JSON
// the CLI reads (cuttle project create --file).
import { api } from "../api.js";
import { el, table, section, errorLine } from "../dom.js";

const EXAMPLE = `{
  "name": "shop",
  "description": "the web shop",
  "steps": [
    {"name": "site", "kind": "package", "packageId": "Shop.Web", "roles": ["web"]},
    {"name": "check", "roles": ["web"], "script": "curl -fsS http://localhost/health"}
  ]
}`;

function stepWhat(s) {
  if (s.kind === "package") return `deploys package ${s.packageId}${s.script ? " and runs the step’s script in it" : " and runs its predeploy.sh, deploy.sh, postdeploy.sh"}`;
  return `runs a ${s.syntax ?? "bash"} script`;
}

export function render(view, { role, params: [name] }) {
  return name ? renderOne(view, decodeURIComponent(name)) : renderList(view, role);
}

function renderList(view, role) {
  const list = el("div", { id: "projects" });
  const error = errorLine();
  view.append(section("Projects", error, list, role === "admin" ? createForm() : null));

  async function refresh() {
    try {
      const projects = await api("/api/projects");
      error.show(null);
      list.replaceChildren(table(["Name", "Description", "Steps"], projects,
        (p) => el("tr", { className: "clickable", "data-project": p.name, onclick: () => { location.hash = `#/projects/${encodeURIComponent(p.name)}`; } },
          el("td", {}, el("a", { href: `#/projects/${encodeURIComponent(p.name)}` }, p.name)),
          el("td", {}, p.description ?? ""), el("td", {}, p.steps.map((s) => s.name).join(" → "))),
        "No projects yet."));
    } catch (e) {
      error.show(e);
    }
  }

  function createForm() {
    const json = el("textarea", { id: "project-json", rows: 12, spellcheck: "false", placeholder: EXAMPLE });
    const failed = errorLine();
    return el("form", { id: "new-project", onsubmit: async (event) => {
      event.preventDefault();
      let body;
      try {
        body = JSON.parse(json.value);
      } catch (e) {
        failed.show(new Error(`The text is not JSON (${e.message}); see the example in the box.`));
        return;
      }
      try {
        const created = await api("/api/projects", { method: "POST", body });
        location.hash = `#/projects/${encodeURIComponent(created.name)}`;
      } catch (e) {
        failed.show(e);
      }
    } }, el("h3", {}, "Create a project"),
    el("p", { className: "hint" }, "The project as JSON, as cuttle project create --file reads it (docs/deployments.md)."),
    json, el("button", { type: "submit" }, "Create project"), failed);
  }

  refresh();
}

function renderOne(view, name) {
  const error = errorLine();
  const steps = el("div", { id: "project-steps" });
  const variables = el("div", { id: "project-variables" });
  const title = el("h2", {}, name);
  view.append(el("section", {}, title, error,
    el("p", {}, el("a", { href: `#/releases/${encodeURIComponent(name)}` }, "Releases of this project")),
    el("h3", {}, "Process"), steps, el("h3", {}, "Variables"), variables));

  Promise.all([api(`/api/projects/${encodeURIComponent(name)}`), api(`/api/projects/${encodeURIComponent(name)}/variables`)]).then(([project, vars]) => {
    title.textContent = project.description ? `${project.name} — ${project.description}` : project.name;
    steps.replaceChildren(table(["#", "Step", "What", "Roles", "At once"], project.steps,
      (s) => el("tr", { "data-step": s.name }, el("td", {}, String(project.steps.indexOf(s) + 1)), el("td", {}, s.name),
        el("td", {}, stepWhat(s), s.script ? el("pre", { className: "script" }, s.script) : null),
        el("td", {}, s.roles.length ? s.roles.join(", ") : "all"), el("td", {}, s.window ? String(s.window) : "all")),
      "No steps."));
    // The server never sends a sensitive value: it arrives already masked.
    variables.replaceChildren(table(["Name", "Value", "Environment", "Role"], vars,
      (v) => el("tr", { "data-variable": v.name }, el("td", {}, v.name),
        el("td", { className: v.sensitive ? "sensitive" : "" }, v.value), el("td", {}, v.environment ?? "any"), el("td", {}, v.role ?? "any")),
      "No variables."));
  }, (e) => error.show(e));
}
