// The server nodes using this database; the one that served this page is marked.
import { api } from "../api.js";
import { el, table, ago, when, section, errorLine } from "../dom.js";

export function render(view) {
  const list = el("div");
  const error = errorLine();
  view.append(section("Server nodes",
    el("p", { className: "hint" }, "Every server node using this database. A node is offline when it has not been seen for three of its heartbeats: it stopped, or cannot reach the database. Several nodes: see docs/high-availability.md."),
    error, list));

  async function refresh() {
    try {
      const nodes = await api("/api/nodes");
      error.show(null);
      list.replaceChildren(table(["Name", "State", "Version", "Address", "Certificate", "Tentacles polling", "Started", "Last seen"], nodes,
        (n) => el("tr", { "data-name": n.name, className: n.thisNode ? "this-node" : "" },
          el("td", {}, n.name, n.thisNode ? el("span", { className: "hint" }, " (served this page)") : ""),
          el("td", { className: `state ${n.online ? "online" : "offline"}` }, n.online ? "online" : "offline"),
          el("td", {}, n.version), el("td", {}, n.address),
          el("td", { className: "id", title: n.thumbprint }, `${n.thumbprint.slice(0, 16)}…`),
          el("td", {}, `${n.tentaclesPolling} (${n.heldPolls} polls)`),
          el("td", {}, when(n.startedMillis)), el("td", {}, ago(n.lastSeenMillis))),
        "No nodes recorded yet."));
    } catch (e) {
      error.show(e);
    }
  }

  refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}
