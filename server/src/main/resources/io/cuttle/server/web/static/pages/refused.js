// Polling connections the server refused; an admin who recognises a certificate approves it as a
// new tentacle (the same registration `cuttle tentacle register` makes).
import { api } from "../api.js";
import { el, table, ago, section, errorLine } from "../dom.js";

export function render(view, { role }) {
  const list = el("div");
  const error = errorLine();
  const approval = el("div", { id: "approval" });
  view.append(section("Refused connection attempts",
    el("p", { className: "hint" }, "These certificates tried to poll but are not registered. If you recognise one, approve it as a new tentacle; otherwise nothing is needed. An \"untrusted proxy source\" connected to the routed polling port without being in --trusted-proxy: if it is your router, add its address. A peer that \"refused the server's certificate\" is usually a tentacle stopped while the server's certificate was rotated: register it again with --force."),
    error, list, approval));

  async function refresh() {
    try {
      const attempts = (await api("/api/refused-connections")).slice().reverse();
      error.show(null);
      list.replaceChildren(table(["Thumbprint", "From", "Why", "Attempts", "First seen", "Last seen", ""], attempts,
        (a) => el("tr", { "data-thumbprint": a.thumbprint },
          el("td", { className: "id" }, a.thumbprint), el("td", {}, a.address), el("td", {}, a.reason),
          el("td", {}, String(a.attempts)), el("td", {}, ago(a.firstSeenMillis)), el("td", {}, ago(a.lastSeenMillis)),
          el("td", {}, role === "admin" && /^[0-9a-f]{64}$/i.test(a.thumbprint)
            ? el("button", { className: "approve", onclick: () => approve(a) }, "Approve…") : "")),
        "No refused connections."));
    } catch (e) {
      error.show(e);
    }
  }

  async function approve(attempt) {
    const info = await api("/api/server");
    const host = new URL(info.webUrl).hostname;
    const name = el("input", { name: "name", required: true, placeholder: "web-01" });
    const environment = el("input", { name: "environment", required: true, placeholder: "Production" });
    const roles = el("input", { name: "roles", placeholder: "web, api (comma separated)" });
    const route = el("select", { name: "route" },
      el("option", { value: "POLLING_ADDRESS" }, `the public port by SNI (${info.pollingUrl})`),
      el("option", { value: "LEGACY_PORT" }, `the legacy port (${info.legacyPollingPort})`));
    const failed = errorLine();
    approval.replaceChildren(el("form", {
      className: "panel",
      onsubmit: async (event) => {
        event.preventDefault();
        const legacy = route.value === "LEGACY_PORT";
        try {
          await api("/api/tentacles", { method: "POST", body: {
            name: name.value.trim(), thumbprint: attempt.thumbprint, environment: environment.value.trim(),
            roles: roles.value.split(",").map((r) => r.trim()).filter(Boolean), commsStyle: route.value,
            commsAddress: legacy ? `https://${host}:${info.legacyPollingPort}` : info.pollingUrl, force: false } });
          approval.replaceChildren(el("p", { className: "ok" }, `Registered ${name.value.trim()}: its next poll is accepted.`));
          refresh();
        } catch (e) {
          failed.show(e);
        }
      },
    }, el("h3", {}, `Approve ${attempt.thumbprint.slice(0, 16)}… as a new tentacle`),
    el("label", {}, "Name ", name), el("label", {}, "Environment ", environment), el("label", {}, "Roles ", roles),
    el("label", {}, "It polls through ", route), el("button", { type: "submit" }, "Register"), failed));
  }

  refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}
