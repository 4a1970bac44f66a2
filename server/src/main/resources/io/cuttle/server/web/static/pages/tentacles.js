// The fleet: a picture by route and state, and a filterable table.
import { api } from "../api.js";
import { el, table, ago, section, errorLine } from "../dom.js";

// The words of io.cuttle.wire.api.Route's labels, as the command line prints them.
const ROUTES = { ROUTER: "via router", LEGACY: "via legacy port" };
const STATES = ["online", "unhealthy", "offline"];

// The server's judgement: offline (not in contact lately), unhealthy (its last health check failed
// or found a problem, or it is older than the minimum version) or online.
export function stateOf(t) {
  return t.status.toLowerCase();
}

// What the last health check said, or why there is none.
function healthOf(t) {
  if (t.healthCheckPending) return "checking…";
  if (!t.capabilities?.includes("health-check")) return "cannot run checks (older tentacle)";
  const check = t.lastHealthCheck;
  if (!check) return "not checked yet";
  return check.state === "SUCCEEDED" ? `${ago(check.finishedMillis)}: ${check.details}` : `${ago(check.finishedMillis)}: failed`;
}

export function render(view) {
  const filter = el("input", { type: "search", id: "tentacle-filter", placeholder: "Filter by name, environment, role, version, address" });
  const stateFilter = el("select", { id: "tentacle-state" },
    el("option", { value: "" }, "any state"), STATES.map((s) => el("option", { value: s }, s)));
  const picture = el("div", { id: "fleet-picture", className: "fleet" });
  const list = el("div");
  const error = errorLine();
  const checkAll = el("button", { id: "check-all", onclick: () => check("/api/tentacles/health-check") }, "Check health of all");
  let latest = [];
  view.append(
    section("Fleet by route and state", picture),
    section("Tentacles", el("div", { className: "toolbar" }, filter, stateFilter, checkAll), error, list));

  function draw() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = latest.filter((t) => {
      const text = [t.name, t.environment, ...t.roles, t.version, t.address, t.platform].join(" ").toLowerCase();
      return words.every((w) => text.includes(w)) && (!stateFilter.value || stateOf(t) === stateFilter.value);
    });
    list.replaceChildren(table(
      ["Name", "State", "Environment", "Roles", "Version", "Route", "Address", "Last contact", "Health check", ""], shown,
      (t) => el("tr", { "data-name": t.name },
        el("td", {}, t.name),
        el("td", { className: `state ${stateOf(t)}`, title: t.problem ?? "" }, stateOf(t),
          t.problem ? el("div", { className: "problem" }, t.problem) : ""),
        el("td", {}, t.environment), el("td", {}, t.roles.join(", ")),
        el("td", { className: t.needsUpgrade ? "warn" : "" }, t.needsUpgrade ? `${t.version} (needs upgrade)` : t.version),
        el("td", {}, ROUTES[t.route] ?? "not yet polled"), el("td", {}, t.address),
        el("td", {}, ago(t.lastSeenMillis)),
        el("td", { className: "health" }, healthOf(t)),
        el("td", {}, t.capabilities?.includes("health-check")
          ? el("button", { className: "check", disabled: t.healthCheckPending,
              onclick: () => check(`/api/tentacles/${encodeURIComponent(t.name)}/health-check`) }, "Check health")
          : "")),
      latest.length ? "No tentacle matches the filter." : "No tentacles registered yet: see the README for cuttle tentacle register."));
    drawPicture();
  }

  function drawPicture() {
    const routes = [...new Set(latest.map((t) => t.route ?? "NONE"))].sort();
    picture.replaceChildren(table(["Route", ...STATES], routes, (route) => {
      const here = latest.filter((t) => (t.route ?? "NONE") === route);
      return el("tr", {}, el("th", {}, ROUTES[route] ?? "not yet polled"), STATES.map((state) => {
        const these = here.filter((t) => stateOf(t) === state);
        return el("td", { "data-state": state },
          el("span", { className: `count ${state}` }, String(these.length)),
          these.map((t) => el("span", { className: `dot ${state}`, title: `${t.name}: ${state}` })));
      }));
    }, "No tentacles yet."));
  }

  // The result arrives with a later refresh, which shows "checking…" until then.
  async function check(path) {
    try {
      await api(path, { method: "POST" });
      await refresh();
    } catch (e) {
      error.show(e);
    }
  }

  async function refresh() {
    try {
      latest = await api("/api/tentacles");
      error.show(null);
      draw();
    } catch (e) {
      error.show(e);
    }
  }
  filter.addEventListener("input", draw);
  stateFilter.addEventListener("change", draw);
  refresh();
  const timer = setInterval(refresh, 3000);
  return () => clearInterval(timer);
}
