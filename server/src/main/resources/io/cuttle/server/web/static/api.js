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
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken ?? "";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    const error = new ApiError(response.status, problem?.detail ?? `${method} ${path}: ${response.status}`);
    if (response.status === 401 && path !== "/api/login") onSignedOut(error);
    throw error;
  }
  return response.status === 204 ? null : response.json();
}
