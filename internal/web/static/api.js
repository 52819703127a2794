// The HTTP API client: bearer token kept in sessionStorage, JSON errors as APIError.

const tokenKey = 'llmcost.token';

/** token returns the session's API token, or "". */
export function token() {
  return sessionStorage.getItem(tokenKey) || '';
}

/** setToken stores (or, with "", forgets) the session's API token. */
export function setToken(t) {
  if (t) sessionStorage.setItem(tokenKey, t);
  else sessionStorage.removeItem(tokenKey);
}

/** APIError is an error answer of the API: {"error":{"code","message","field"}}. */
export class APIError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** get fetches an API path with query parameters (arrays repeat the key). */
export async function get(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v != null && v !== '') q.set(k, v);
  }
  const qs = q.toString();
  return send('GET', `${path}${qs ? `?${qs}` : ''}`);
}

/** send calls an API path with a method and an optional JSON body. */
export async function send(method, path, data) {
  const headers = { Authorization: `Bearer ${token()}`, Accept: 'application/json' };
  if (data !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1/${path}`, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = (body && body.error) || {};
    if (res.status === 401) window.dispatchEvent(new CustomEvent('llmcost:unauthorized', { detail: e.message }));
    throw new APIError(res.status, e.code || 'http_' + res.status, e.message || res.statusText, e.field);
  }
  return body;
}
