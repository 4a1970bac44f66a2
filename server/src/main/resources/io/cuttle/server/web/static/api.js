// The REST API, as the UI's only backend: the session cookie rides along by itself; writes carry
// the session's CSRF token, and failures become errors worded by the server (RFC 9457 problems).
let csrfToken = null;
let onSignedOut = () => {};

export function setSession(session) {
  csrfToken = session?.csrfToken ?? null;
}

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return send(path, method, headers, body === undefined ? undefined : JSON.stringify(body));
}

/** Sends a file as the whole request body, as it is (package pushes). */
export async function upload(path, file) {
  return send(path, "POST", { "Content-Type": "application/octet-stream" }, file);
}

async function send(path, method, headers, body) {
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken ?? "";
  const response = await fetch(path, { method, headers, credentials: "same-origin", body });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    const error = new ApiError(response.status, problem?.detail ?? `${method} ${path}: ${response.status}`);
    if (response.status === 401 && path !== "/api/login") onSignedOut(error);
    throw error;
  }
  return response.status === 204 ? null : response.json();
}
