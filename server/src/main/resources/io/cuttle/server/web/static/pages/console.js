// The script console: run an ad-hoc script on chosen tentacles (what `cuttle script` does).
import { api } from "../api.js";
import { el, section, errorLine } from "../dom.js";
import { stateOf } from "./tentacles.js";

export function render(view, { role }) {
  if (role !== "admin") {
    view.append(section("Script console", el("p", { className: "hint" }, "Running scripts needs the admin role.")));
    return;
  }
  const script = el("textarea", { id: "script", rows: 10, spellcheck: "false", placeholder: "echo \"hello from $CUTTLE_TENTACLE_NAME\"" });
  const syntax = el("select", { id: "syntax" }, ["bash", "sh", "python", "powershell"].map((s) => el("option", { value: s }, s)));
  const picker = el("div", { id: "targets", className: "picker" });
  const error = errorLine();
  const run = el("button", { id: "run", type: "submit" }, "Run");
  view.append(section("Script console",
    el("form", { onsubmit: submit },
      el("label", {}, "Script", script),
      el("label", {}, "Syntax ", syntax),
      el("fieldset", {}, el("legend", {}, "Run on"), picker),
      run, error)));

  api("/api/tentacles").then((tentacles) => {
    picker.replaceChildren(...tentacles.map((t) => el("label", { className: "choice" },
      el("input", { type: "checkbox", value: t.name, name: "tentacle" }), ` ${t.name} `,
      el("span", { className: `state ${stateOf(t)}` }, stateOf(t)))));
    if (tentacles.length === 0) picker.append(el("p", { className: "empty" }, "No tentacles registered."));
  }, (e) => error.show(e));

  async function submit(event) {
    event.preventDefault();
    const chosen = [...picker.querySelectorAll("input:checked")].map((box) => box.value);
    if (chosen.length === 0) {
      error.show(new Error("choose at least one tentacle to run the script on"));
      return;
    }
    run.disabled = true;
    try {
      const task = await api("/api/tasks/scripts", { method: "POST", body: { script: script.value, syntax: syntax.value, tentacles: chosen } });
      location.hash = `#/tasks/${task.id}`;
    } catch (e) {
      error.show(e);
      run.disabled = false;
    }
  }
}
