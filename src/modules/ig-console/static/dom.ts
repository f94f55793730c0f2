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

/** Shows `text` in the page's notification banner (an alert), or hides the banner for ''. */
export function showMessage(text: string): void {
  $('message-text').textContent = text;
  $('message').hidden = !text;
}

// ---------- GOV.UK Frontend markup ----------

type Attrs = Record<string, string | number | boolean | null | undefined>;

/** A GOV.UK tag: green for allowed and passed, red for denied and failed, orange for a warning, grey for neither. */
export function tag(text: string, colour?: 'green' | 'red' | 'orange' | 'yellow' | 'grey'): HTMLElement {
  return el('strong', { class: `govuk-tag${colour ? ` govuk-tag--${colour}` : ''}`, text });
}

export const decisionTag = (decision: string): HTMLElement => tag(decision, decision === 'ALLOW' ? 'green' : 'red');

/** A row of a govuk-table (cells made with td and th). */
export const tr = (attrs: Attrs, ...cells: Child[]): HTMLTableRowElement =>
  el('tr', { ...attrs, class: `govuk-table__row${attrs.class ? ` ${String(attrs.class)}` : ''}` }, ...cells);

export const td = (attrs: Attrs, ...children: Child[]): HTMLTableCellElement =>
  el('td', { ...attrs, class: `govuk-table__cell${attrs.class ? ` ${String(attrs.class)}` : ''}` }, ...children);

/** A header cell: a column's (scope col) or a row's (scope row). */
export const th = (scope: 'col' | 'row', text: string, cls = ''): HTMLTableCellElement =>
  el('th', { scope, class: `govuk-table__header${cls ? ` ${cls}` : ''}`, text });

/**
 * A govuk-table with its caption (visually hidden unless `showCaption`), column headers and rows,
 * in a region named by the caption that scrolls sideways by itself when the table is wider than the screen.
 * The columns at the indexes `numeric` hold numbers: their headers align with them.
 */
export function table(
  attrs: { id?: string; caption: string; showCaption?: boolean; numeric?: readonly number[] },
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
): HTMLElement {
  const { id, caption, showCaption, numeric = [] } = attrs;
  // A region the keyboard can reach, so that a table wider than the screen can be scrolled without a mouse.
  return el(
    'div',
    { class: 'app-table-scroll', role: 'region', 'aria-label': caption, tabindex: 0 },
    el(
      'table',
      { id, class: 'govuk-table' },
      el('caption', {
        class: `govuk-table__caption ${showCaption ? 'govuk-table__caption--s' : 'govuk-visually-hidden'}`,
        text: caption,
      }),
      el(
        'thead',
        { class: 'govuk-table__head' },
        tr(
          {},
          headers.map((h, i) => th('col', h, numeric.includes(i) ? 'govuk-table__header--numeric' : '')),
        ),
      ),
      el('tbody', { class: 'govuk-table__body' }, [...rows]),
    ),
  );
}

/** A row of a govuk-summary-list; an empty value is shown as a dash. */
export function summaryRow(term: string, value: Node | string | null | undefined): HTMLElement {
  return el(
    'div',
    { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key', text: term }),
    el(
      'dd',
      { class: 'govuk-summary-list__value' },
      value === '' || value === null || value === undefined ? '—' : value,
    ),
  );
}

/** A paragraph of body text. */
export const para = (text: string, attrs: Attrs = {}): HTMLParagraphElement =>
  el('p', { ...attrs, class: `govuk-body${attrs.class ? ` ${String(attrs.class)}` : ''}`, text });

/** The outcome of a check made in the browser, passed or failed (or neither: null). */
export const result = (ok: boolean | null, text: string, attrs: Attrs = {}): HTMLParagraphElement =>
  para(text, { ...attrs, class: `app-result${ok === null ? '' : ok ? ' app-result--ok' : ' app-result--fail'}` });

// ---------- errors on forms ----------

/** Removes what showFormErrors added to `form`. */
export function clearFormErrors(form: HTMLFormElement): void {
  form.querySelector(':scope > .govuk-error-summary')?.remove();
  form.querySelectorAll('.govuk-error-message').forEach((m) => m.remove());
  form.querySelectorAll('.govuk-form-group--error').forEach((g) => g.classList.remove('govuk-form-group--error'));
  form.querySelectorAll<HTMLElement>('[data-error-describedby]').forEach((c) => {
    c.classList.remove('govuk-input--error', 'govuk-select--error', 'govuk-textarea--error');
    const before = c.dataset.errorDescribedby ?? '';
    if (before) c.setAttribute('aria-describedby', before);
    else c.removeAttribute('aria-describedby');
    delete c.dataset.errorDescribedby;
  });
}

/**
 * Shows why a call made from `form` failed, as GOV.UK forms do: an error summary at the top of the
 * form (focused, an alert) listing each problem, a field's linked to that field by its label, and
 * the message beside each field the problem names. `fallback` says what failed when the gateway
 * named no field.
 */
export function showFormErrors(form: HTMLFormElement, e: unknown, fallback: string): void {
  clearFormErrors(form);
  const problems = e instanceof ApiError ? (e.problem?.errors ?? []) : [];
  const items: HTMLElement[] = [];
  for (const p of problems) {
    const control = controlFor(form, p.field);
    const text = `${fieldLabel(p.field)}: ${p.message}`;
    if (!control) {
      items.push(el('li', { text }));
      continue;
    }
    items.push(el('li', {}, el('a', { href: `#${control.id}`, text })));
    markField(control, text);
  }
  if (!items.length) items.push(el('li', { text: `${fallback}: ${messageOf(e)}` }));
  const summary = el(
    'div',
    { class: 'govuk-error-summary', tabindex: '-1' },
    el(
      'div',
      { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title', text: 'There is a problem' }),
      el(
        'div',
        { class: 'govuk-error-summary__body' },
        el('ul', { class: 'govuk-list govuk-error-summary__list' }, items),
      ),
    ),
  );
  form.prepend(summary);
  summary.focus();
}

/** The control of `form` a problem's field names (`agreementIds[0]` is agreementIds), if the form has one with an id. */
function controlFor(form: HTMLFormElement, name: string): HTMLElement | null {
  const base = name.split('.')[0].replace(/\[\d+\]$/, '');
  const found = form.querySelector<HTMLElement>(`[name="${CSS.escape(base)}"]`);
  return found?.id ? found : null;
}

/** An error summary's link moves the focus to its field, without changing the page's #/ route. */
export function followErrorLinks(): void {
  document.addEventListener('click', (ev) => {
    const a = (ev.target as HTMLElement).closest('.govuk-error-summary a');
    const target = a && document.getElementById((a.getAttribute('href') ?? '').slice(1));
    if (!target) return;
    ev.preventDefault();
    target.focus();
    target.scrollIntoView({ block: 'center' });
  });
}

/** Marks a field in error: its form group, its control, and the message above the control (read with it). */
function markField(control: HTMLElement, text: string): void {
  const group = control.closest('.govuk-form-group');
  if (!group) return;
  group.classList.add('govuk-form-group--error');
  const id = `${control.id}-error`;
  const message = el(
    'p',
    { class: 'govuk-error-message', id },
    el('span', { class: 'govuk-visually-hidden', text: 'Error: ' }),
    text,
  );
  const checkboxes = control.closest('.govuk-checkboxes');
  (checkboxes ?? control).before(message);
  if (checkboxes) return;
  const kind = control.tagName === 'SELECT' ? 'select' : control.tagName === 'TEXTAREA' ? 'textarea' : 'input';
  control.classList.add(`govuk-${kind}--error`);
  const before = control.getAttribute('aria-describedby') ?? '';
  control.dataset.errorDescribedby = before;
  control.setAttribute('aria-describedby', `${before} ${id}`.trim());
}

export const fmtTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
export const localToIso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
