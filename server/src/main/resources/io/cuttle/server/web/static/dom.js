// Small helpers to build the pages from API data without a framework.

/** An element with attributes (on* are listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "className") node.className = value;
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A table with headings and one row per item; {@code empty} is shown when there are none. */
export function table(headings, items, row, empty) {
  const body = el("tbody");
  if (items.length === 0) {
    body.append(el("tr", {}, el("td", { colspan: headings.length, className: "empty" }, empty)));
  }
  for (const item of items) body.append(row(item));
  return el("table", {}, el("thead", {}, el("tr", {}, headings.map((h) => el("th", {}, h)))), body);
}

export function ago(millis) {
  if (!millis) return "never";
  const seconds = Math.max(0, Math.round((Date.now() - millis) / 1000));
  if (seconds < 2) return "now";
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(millis).toLocaleString();
}

export function when(millis) {
  return millis ? new Date(millis).toLocaleString() : "";
}

/** A page section with a heading and what follows it. */
export function section(title, ...children) {
  return el("section", {}, el("h2", {}, title), ...children);
}

/** A line that shows an action's failure in the server's words, or nothing. */
export function errorLine() {
  const line = el("p", { className: "error", role: "alert" });
  line.show = (error) => { line.textContent = error ? error.message : ""; };
  return line;
}
