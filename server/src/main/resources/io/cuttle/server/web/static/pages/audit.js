// The audit log: who changed what, when; newest first, older pages on demand.
import { api } from "../api.js";
import { el, table, when, section, errorLine } from "../dom.js";

const PAGE = 100;

export function render(view) {
  const list = el("div", { id: "audit" });
  const error = errorLine();
  const older = el("button", { className: "secondary", hidden: true }, "Older entries");
  let entries = [];
  view.append(section("Audit log", el("p", { className: "hint" }, "Every change made through the API, and every sign-in attempt."), error, list, older));

  async function load(before) {
    try {
      const page = await api(`/api/audit?limit=${PAGE}&before=${before}`);
      entries = before === 0 ? page : entries.concat(page);
      older.hidden = page.length < PAGE;
      error.show(null);
      list.replaceChildren(table(["When", "Who", "What", "Target"], entries,
        (e) => el("tr", {}, el("td", {}, when(e.atMillis)), el("td", {}, e.actor), el("td", {}, e.action), el("td", {}, e.target)),
        "Nothing yet."));
    } catch (e) {
      error.show(e);
    }
  }
  older.addEventListener("click", () => load(entries[entries.length - 1].id));
  load(0);
}
