// Releases of every project (or of one: #/releases/NAME): create one, and deploy one to an
// environment, which opens the deployment's task with its live log.
import { api } from "../api.js";
import { el, table, when, section, errorLine } from "../dom.js";

const path = (project) => `/api/projects/${encodeURIComponent(project)}/releases`;

function packagesOf(release) {
  return release.steps.filter((s) => s.kind === "package").map((s) => `${s.packageId} ${s.packageVersion}`).join(", ");
}

export function render(view, { role, params: [only] }) {
  const project = only ? decodeURIComponent(only) : null;
  const list = el("div", { id: "releases" });
  const error = errorLine();
  view.append(section(project ? `Releases of ${project}` : "Releases", error, list));
  let environments = [];
  let projects = [];

  async function refresh() {
    try {
      [environments, projects] = await Promise.all([api("/api/environments"), api("/api/projects")]);
      const shown = project ? projects.filter((p) => p.name === project) : projects;
      const releases = (await Promise.all(shown.map((p) => api(path(p.name))))).flat();
      error.show(null);
      list.replaceChildren(table(["Project", "Version", "Packages", "Created", role === "admin" ? "Deploy" : ""], releases,
        (r) => el("tr", { "data-release": `${r.project} ${r.version}` },
          el("td", {}, el("a", { href: `#/projects/${encodeURIComponent(r.project)}` }, r.project)),
          el("td", {}, r.version), el("td", {}, packagesOf(r)), el("td", {}, `${when(r.createdMillis)} by ${r.createdBy}`),
          el("td", {}, role === "admin" ? deployControl(r) : "")),
        "No releases yet."));
      if (role === "admin" && !view.querySelector("#new-release")) view.firstChild.append(releaseForm());
    } catch (e) {
      error.show(e);
    }
  }

  function deployControl(release) {
    const environment = el("select", { name: "environment" }, environments.map((e) => el("option", { value: e.name }, e.name)));
    const failed = errorLine();
    const button = el("button", { className: "deploy", type: "button", onclick: async () => {
      button.disabled = true;
      try {
        const deployment = await api("/api/deployments", { method: "POST", body: { project: release.project, release: release.version, environment: environment.value } });
        location.hash = `#/tasks/${deployment.taskId}`;
      } catch (e) {
        failed.show(e);
        button.disabled = false;
      }
    } }, "Deploy");
    return el("div", { className: "deploy-control" }, environment, button, failed);
  }

  function releaseForm() {
    const chosen = el("select", { id: "release-project", name: "project" },
      projects.map((p) => el("option", { value: p.name, selected: p.name === project }, p.name)));
    const version = el("input", { id: "release-version", required: true, placeholder: "version, e.g. 1.4.0" });
    const packageVersions = el("div", { className: "package-versions" });
    const failed = errorLine();
    // One box per package the chosen project's steps deploy; left empty, the latest pushed is used.
    function showPackages() {
      const steps = projects.find((p) => p.name === chosen.value)?.steps ?? [];
      const ids = [...new Set(steps.filter((s) => s.kind === "package").map((s) => s.packageId))];
      packageVersions.replaceChildren(...ids.map((id) => el("label", {}, `${id} `,
        el("input", { "data-package-id": id, placeholder: "latest" }))));
    }
    chosen.addEventListener("change", showPackages);
    showPackages();
    return el("form", { id: "new-release", className: "inline", onsubmit: async (event) => {
      event.preventDefault();
      const packages = {};
      for (const input of packageVersions.querySelectorAll("input")) {
        if (input.value.trim()) packages[input.dataset.packageId] = input.value.trim();
      }
      try {
        await api(path(chosen.value), { method: "POST", body: { version: version.value.trim(), packages } });
        version.value = "";
        failed.show(null);
        refresh();
      } catch (e) {
        failed.show(e);
      }
    } }, el("h3", {}, "Create a release"), chosen, version, packageVersions, el("button", { type: "submit" }, "Create release"), failed);
  }

  refresh();
}
