// Recent tasks; each opens its own page with the live log.
import { api } from "../api.js";
import { el, table, ago, section, errorLine } from "../dom.js";

export function targetSummary(t) {
  // A running target whose cancel is on its way to the tentacle says so (the server's message).
  const state = t.state === "RUNNING" && t.message?.startsWith("cancel requested") ? "CANCELLING" : t.state;
  return `${t.tentacleName}: ${state}${t.exitCode != null ? ` (${t.exitCode})` : ""}`;
}

export function render(view) {
  const list = el("div");
  const error = errorLine();
  view.append(section("Tasks", el("p", { className: "hint" }, "The latest 50 tasks; open one to follow its log."), error, list));

  async function refresh() {
    try {
      const tasks = await api("/api/tasks?limit=50");
      error.show(null);
      list.replaceChildren(table(["Task", "Description", "State", "Started", "Targets"], tasks,
        (t) => el("tr", { className: "clickable", "data-task": t.id, onclick: () => { location.hash = `#/tasks/${t.id}`; } },
          el("td", { className: "id" }, el("a", { href: `#/tasks/${t.id}` }, t.id)),
          el("td", {}, t.description),
          el("td", { className: `state ${t.state}` }, t.state),
          el("td", {}, ago(t.createdMillis)),
          el("td", {}, t.targets.map(targetSummary).join(", "))),
        "No tasks yet: run a script from the console or with cuttle script."));
    } catch (e) {
      error.show(e);
    }
  }
  refresh();
  const timer = setInterval(refresh, 3000);
  return () => clearInterval(timer);
}
