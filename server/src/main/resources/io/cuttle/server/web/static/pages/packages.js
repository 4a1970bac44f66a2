// The package store: what is stored, pushing a file, deleting a version no release uses.
import { api, upload } from "../api.js";
import { el, table, when, section, errorLine } from "../dom.js";

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function render(view, { role }) {
  const list = el("div", { id: "packages" });
  const error = errorLine();
  view.append(section("Packages", error, list, role === "admin" ? pushForm() : null));

  async function refresh() {
    try {
      const packages = await api("/api/packages");
      error.show(null);
      list.replaceChildren(table(["Id", "Version", "Format", "Size", "SHA-256", "Pushed", ""], packages,
        (p) => el("tr", { "data-package": `${p.id} ${p.version}` },
          el("td", {}, p.id), el("td", {}, p.version), el("td", {}, p.format), el("td", {}, size(p.sizeBytes)),
          el("td", { className: "id", title: p.sha256 }, `${p.sha256.slice(0, 12)}…`),
          el("td", {}, `${when(p.uploadedMillis)} by ${p.uploadedBy}`),
          el("td", {}, role === "admin" ? el("button", { className: "danger", onclick: () => remove(p) }, "Delete") : "")),
        "No packages yet: push one below or with cuttle package push."));
    } catch (e) {
      error.show(e);
    }
  }

  async function remove(p) {
    if (!confirm(`Delete ${p.id} ${p.version}?`)) return;
    try {
      await api(`/api/packages/${encodeURIComponent(p.id)}/${encodeURIComponent(p.version)}`, { method: "DELETE" });
      error.show(null);
    } catch (e) {
      error.show(e);
      return;
    }
    refresh();
  }

  function pushForm() {
    const file = el("input", { id: "package-file", type: "file", required: true, accept: ".zip,.tar.gz,.tgz" });
    const id = el("input", { id: "package-id", placeholder: "id (default: from the file name)" });
    const version = el("input", { id: "package-version", placeholder: "version (default: from the file name)" });
    const failed = errorLine();
    const push = el("button", { id: "push-package", type: "submit" }, "Push");
    return el("form", { id: "push-form", className: "inline", onsubmit: async (event) => {
      event.preventDefault();
      const chosen = file.files[0];
      const query = id.value.trim() || version.value.trim()
        ? `id=${encodeURIComponent(id.value.trim())}&version=${encodeURIComponent(version.value.trim())}`
        : `fileName=${encodeURIComponent(chosen.name)}`;
      push.disabled = true;
      try {
        await upload(`/api/packages?${query}`, chosen);
        file.value = id.value = version.value = "";
        failed.show(null);
        refresh();
      } catch (e) {
        failed.show(e);
      }
      push.disabled = false;
    } }, el("h3", {}, "Push a package (zip or tar.gz)"), file, id, version, push, failed);
  }

  refresh();
}
