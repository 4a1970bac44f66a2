// The fleet: a picture by route and state, and a filterable table.
import { api } from "../api.js";
import { el, table, ago, section, errorLine } from "../dom.js";

const ROUTES = { ROUTER: "via router (443)", LEGACY: "legacy port" };
const STATES = ["online", "unhealthy", "offline"];

// Unhealthy: in contact, but older than the server's minimum tentacle version.
export function stateOf(t) {
  if (!t.online) return "offline";
  return t.needsUpgrade ? "unhealthy" : "online";
}

export function render(view) {
  const filter = el("input", { type: "search", id: "tentacle-filter", placeholder: "Filter by name, environment, role, version, address" });
  const stateFilter = el("select", { id: "tentacle-state" },
    el("option", { value: "" }, "any state"), STATES.map((s) => el("option", { value: s }, s)));
  const picture = el("div", { id: "fleet-picture", className: "fleet" });
  const list = el("div");
  const error = errorLine();
  let latest = [];
  view.append(
    section("Fleet by route and state", picture),
    section("Tentacles", el("div", { className: "toolbar" }, filter, stateFilter), error, list));

  function draw() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = latest.filter((t) => {
      const text = [t.name, t.environment, ...t.roles, t.version, t.address, t.platform].join(" ").toLowerCase();
      return words.every((w) => text.includes(w)) && (!stateFilter.value || stateOf(t) === stateFilter.value);
    });
    list.replaceChildren(table(
      ["Name", "State", "Environment", "Roles", "Version", "Route", "Address", "Last contact"], shown,
      (t) => el("tr", { "data-name": t.name },
        el("td", {}, t.name),
        el("td", { className: `state ${stateOf(t)}` }, stateOf(t)),
        el("td", {}, t.environment), el("td", {}, t.roles.join(", ")),
        el("td", { className: t.needsUpgrade ? "warn" : "" }, t.needsUpgrade ? `${t.version} (needs upgrade)` : t.version),
        el("td", {}, ROUTES[t.route] ?? "not yet polled"), el("td", {}, t.address),
        el("td", {}, ago(t.lastSeenMillis))),
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
