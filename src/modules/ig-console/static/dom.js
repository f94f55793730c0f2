// Small helpers shared by the console's views: DOM building (textContent only, never
// innerHTML: log entries hold free text from partner tokens), the API client and formatting.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `The gateway answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, credentials: 'same-origin' };
  // Every state-changing call carries the console header (CSRF defence; see IgSessionGuard).
  if (method !== 'GET') init.headers['x-ig-console'] = '1';
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    // The session ended (idle, expired, signed out elsewhere): the page goes back to sign-in.
    if (res.status === 401 && path.startsWith('/ig/api/')) window.dispatchEvent(new Event('ig:signed-out'));
    throw new ApiError(res.status, data);
  }
  return data;
}

export function showMessage(text) {
  const m = $('message');
  m.textContent = text;
  m.hidden = !text;
}

export const fmtTime = (iso) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
export const localToIso = (v) => (v ? new Date(v).toISOString() : undefined);
