// Small helpers shared by the console's views: DOM building (textContent only, never
// innerHTML: log entries hold free text from partner tokens), the API client and formatting.

/** The element with this id; the page is fixed, so a missing id is a bug in the page. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** The named control of a form (input, select or textarea). */
export function field(form: HTMLFormElement, name: string): HTMLInputElement {
  return form.elements.namedItem(name) as HTMLInputElement;
}

type Child = Node | string | number | null | undefined | false | Child[];

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = String(v);
    else if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  const flat = (c: Child): (Node | string | number)[] =>
    Array.isArray(c) ? c.flatMap(flat) : c === null || c === undefined || c === false ? [] : [c];
  for (const c of children.flatMap(flat)) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A problem+json answer, as far as the console reads it. */
export interface Problem {
  detail?: string;
  code?: string;
  type?: string;
  /** The fields in error, each with what is wrong (400). */
  errors?: { field: string; message: string }[];
}

/** The form token of a person signed in through their IdP (GET /ig/api/session), sent on every state-changing call. */
let formToken: string | null = null;
export function setFormToken(token: string | null): void {
  formToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(
      [
        problem?.detail || `The gateway answered ${status}.`,
        ...(problem?.errors ?? []).map((e) => `${fieldLabel(e.field)}: ${e.message}`),
      ].join(' '),
    );
  }
}

/** The words people read for a field a problem names (the name itself when it has none). */
const FIELD_LABELS: Record<string, string> = {
  crn: 'CRN',
  org: 'Acting organisation',
  actor: 'Actor',
  purpose: 'Purpose',
  decision: 'Decision',
  from: 'From',
  to: 'To',
  note: 'Review note',
  summary: 'What happened',
  discoveredAt: 'Discovered',
  occurredAt: 'Happened',
  severity: 'Severity',
  crns: 'CRNs of the people affected',
  agreementIds: 'Agreements',
  partnerOrgs: 'Partner organisations',
  icoReportedAt: 'Reported to the ICO at',
  icoReference: 'ICO reference',
  notReportableReason: 'Why it is not reportable',
  at: 'As at',
};
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? FIELD_LABELS[field.split('.')[0].replace(/\[\d+\]$/, '')] ?? field;
}

/** The message of whatever a failed call threw. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function api<T>(
  path: string,
  { method = 'GET', body, headers = {} }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  const init: RequestInit = { method, headers: h, credentials: 'same-origin' };
  // Every state-changing call carries the console header (CSRF defence; see IgSessionGuard).
  if (method !== 'GET') h['x-ig-console'] = '1';
  if (method !== 'GET' && formToken) h['x-ig-form-token'] = formToken;
  if (body !== undefined) {
    h['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null as T;
  const data = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    // The session ended (idle, expired, signed out elsewhere): the page goes back to sign-in.
    if (res.status === 401 && path.startsWith('/ig/api/')) window.dispatchEvent(new Event('ig:signed-out'));
    throw new ApiError(res.status, data as Problem | null);
  }
  return data as T;
}

export function showMessage(text: string): void {
  const m = $('message');
  m.textContent = text;
  m.hidden = !text;
}

export const fmtTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
export const localToIso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
