// Users and their API keys. A new key's value is shown once, right after it is made.
import { api } from "../api.js";
import { el, table, when, section, errorLine } from "../dom.js";

export function render(view, { role, user: me }) {
  const usersList = el("div", { id: "users" });
  const keysList = el("div", { id: "api-keys" });
  const error = errorLine();
  const newKey = el("div", { id: "new-key" });
  view.append(section("Users", error, usersList, role === "admin" ? userForm() : null),
    section("API keys", el("p", { className: "hint" }, "A key acts as its user, with the user's role. Send it as Authorization: Bearer <key>."),
      keysList, newKey, role === "admin" ? keyForm() : null));

  let users = [];
  async function refresh() {
    try {
      const [u, keys] = await Promise.all([api("/api/users"), api("/api/api-keys")]);
      users = u;
      error.show(null);
      usersList.replaceChildren(table(["Name", "Role", "Created", "Locked until", "Disabled since", ""], users,
        (x) => el("tr", { "data-user": x.name }, el("td", {}, x.name), el("td", { className: "role" }, x.role), el("td", {}, when(x.createdMillis)),
          el("td", { className: x.lockedUntilMillis > Date.now() ? "warn" : "" }, x.lockedUntilMillis > Date.now() ? when(x.lockedUntilMillis) : ""),
          el("td", { className: x.disabledMillis ? "disabled warn" : "disabled" }, when(x.disabledMillis)),
          el("td", {}, role === "admin" ? userActions(x) : "")),
        "No users."));
      keysList.replaceChildren(table(["Id", "User", "Label", "Created", "Revoked", ""], keys,
        (k) => el("tr", { "data-key": k.id }, el("td", { className: "id" }, k.id), el("td", {}, k.user), el("td", {}, k.label ?? "(bootstrap key)"),
          el("td", {}, when(k.createdMillis)), el("td", {}, when(k.revokedMillis)),
          el("td", {}, role === "admin" && !k.revokedMillis ? el("button", { className: "danger", onclick: () => revoke(k) }, "Revoke") : "")),
        "No API keys."));
      document.querySelectorAll("select[name=user]").forEach((select) => {
        const chosen = select.value || me;
        select.replaceChildren(...users.map((x) => el("option", { value: x.name, selected: x.name === chosen }, x.name)));
      });
    } catch (e) {
      error.show(e);
    }
  }

  // The server refuses what would leave no enabled admin, and says so in the error line.
  function userActions(x) {
    const path = `/api/users/${encodeURIComponent(x.name)}`;
    return [
      x.disabledMillis
        ? el("button", { className: "enable", onclick: () => change(`${path}/enable`, "POST") }, "Enable")
        : el("button", { className: "disable danger", onclick: () => {
          if (confirm(`Disable ${x.name}? Their sessions end and their API keys stop working until they are enabled again.`)) change(`${path}/disable`, "POST");
        } }, "Disable"),
      x.role === "admin"
        ? el("button", { className: "make-viewer", onclick: () => change(`${path}/role`, "PUT", { role: "viewer" }) }, "Make viewer")
        : el("button", { className: "make-admin", onclick: () => change(`${path}/role`, "PUT", { role: "admin" }) }, "Make admin"),
      el("button", { className: "delete danger", onclick: () => {
        if (confirm(`Delete ${x.name} for good? Their sessions end and their API keys are revoked.`)) change(path, "DELETE");
      } }, "Delete"),
    ];
  }

  async function change(path, method, body) {
    try {
      await api(path, { method, body });
      error.show(null);
    } catch (e) {
      error.show(e);
      return;
    }
    refresh();
  }

  async function revoke(key) {
    if (!confirm(`Revoke ${key.id} (${key.label ?? "bootstrap key"}) of ${key.user}? Whatever uses it stops working.`)) return;
    try {
      await api(`/api/api-keys/${key.id}`, { method: "DELETE" });
    } catch (e) {
      error.show(e);
    }
    refresh();
  }

  function userForm() {
    const name = el("input", { name: "name", required: true, placeholder: "name" });
    const password = el("input", { name: "password", type: "password", required: true, autocomplete: "new-password", placeholder: "at least 12 characters" });
    const newRole = el("select", { name: "role" }, el("option", { value: "viewer" }, "viewer"), el("option", { value: "admin" }, "admin"));
    const failed = errorLine();
    return el("form", { id: "new-user", className: "inline", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api("/api/users", { method: "POST", body: { name: name.value.trim(), password: password.value, role: newRole.value } });
        name.value = password.value = "";
        failed.show(null);
        refresh();
      } catch (e) {
        failed.show(e);
      }
    } }, el("h3", {}, "Add a user"), name, password, newRole, el("button", { type: "submit" }, "Add user"), failed);
  }

  function keyForm() {
    const owner = el("select", { name: "user" });
    const label = el("input", { name: "label", required: true, placeholder: "what it is for, e.g. CI pipeline" });
    const failed = errorLine();
    return el("form", { id: "new-api-key", className: "inline", onsubmit: async (event) => {
      event.preventDefault();
      try {
        const created = await api("/api/api-keys", { method: "POST", body: { user: owner.value, label: label.value.trim() } });
        label.value = "";
        failed.show(null);
        newKey.replaceChildren(el("div", { className: "panel secret" },
          el("p", {}, `New key for ${created.apiKey.user}: copy it now, it is not shown again.`),
          el("code", { id: "new-key-value" }, created.key)));
        refresh();
      } catch (e) {
        failed.show(e);
      }
    } }, el("h3", {}, "Make an API key"), owner, label, el("button", { type: "submit" }, "Make key"), failed);
  }

  refresh();
}
