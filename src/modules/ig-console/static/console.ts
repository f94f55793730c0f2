// The IG console: a small hash-routed page over /ig/api (see IgApiController).
import {
  $,
  api,
  ApiError,
  clearFormErrors,
  decisionTag,
  el,
  field,
  fmtTime,
  followErrorLinks,
  localToIso,
  messageOf,
  result,
  setFormToken,
  showFormErrors,
  showMessage,
  summaryRow,
  tag,
  td,
  tr,
} from './dom.js';
import { showCharts } from './charts.js';
import { showFlags, showOverview } from './governance.js';
import { agreementName, allOrganisations, fieldNames, loadNames, orgName, purposeName } from './names.js';
import { fillBreachPickers, showBreach, showRecords } from './records.js';
import { showRetention } from './retention.js';
import {
  verifyEntry,
  verifyEntryWitnessed,
  type Checkpoint,
  type Jwks,
  type Proof,
  type Witnessing,
} from './verify.js';

interface Session {
  org: string;
  sub: string;
  /** Set for a person signed in through their organisation's identity provider. */
  via?: 'token' | 'idp';
  name?: string | null;
  orgName?: string;
  formToken?: string | null;
}

interface DemoIdentity {
  org: string;
  name: string;
  kind: string;
  sub: string;
}

interface Entry {
  index: number;
  timestamp: string;
  actor: { org: string; sub: string; roles: string[]; idp?: string };
  action: string;
  resource: { type: string; id: string };
  crn: string | null;
  purpose: string | null;
  reason: string | null;
  decision: string;
  reasons: string[];
  agreement: { id: string; version: number } | null;
  fieldsReleased: string[];
  fieldsWithheld: string[];
  ownerOrg: string | null;
  recipientOrg: string | null;
  requestId: string;
  breakGlass: boolean;
  redacted?: boolean;
  /** Set when the entry's body was pruned under the retention schedule (on is null if no pruning was recorded). */
  pruned?: { on: string | null; cutoff: string | null };
}

/** How an entry whose body was pruned is shown wherever entries are listed. */
function prunedText(p: NonNullable<Entry['pruned']>): string {
  const on = p.on ? new Date(p.on).toLocaleDateString('en-GB', { dateStyle: 'long' }) : 'an unrecorded date';
  return `Pruned under the retention schedule on ${on}`;
}

interface Access {
  index: number;
  timestamp: string;
  actor: string;
  org: string;
  purpose: string | null;
  reason: string | null;
  breakGlass: boolean;
  agreement: { id: string; version: number } | null;
  decision: string;
  fieldsReleased: string[];
  fieldsWithheld: string[];
}

const VIEWS = ['signin', 'log', 'entry', 'subject', 'flags', 'charts', 'overview', 'records', 'breach', 'retention'];
let session: Session | null = null;
let logCursor: string | null = null;
let reportCursor: string | null = null;

/** The page's title names the view shown, as every page's does. */
const TITLE = document.title;

function showView(name: string): void {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== name;
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const heading = document.querySelector<HTMLElement>(`#view-${name} h2`);
  document.title = heading?.textContent ? `${heading.textContent} - ${TITLE}` : TITLE;
  heading?.focus();
}

function showSignedOut(): void {
  $('nav').hidden = true;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  showView('signin');
  void loadDemoIdentities();
}

/**
 * Shows a sign-in problem where it is seen: in an error summary at the top of the sign-in view,
 * focused; one about the pasted token links to the token's field, which shows it too.
 */
function showSignInError(text: string, aboutToken: boolean): void {
  const box = $('signin-error');
  $('signin-error-list').replaceChildren(
    el('li', {}, aboutToken ? el('a', { href: '#token', text: `Request token: ${text}` }) : text),
  );
  if (aboutToken) {
    $('token').closest('.govuk-form-group')?.classList.add('govuk-form-group--error');
    $('token').classList.add('govuk-textarea--error');
    $('token').setAttribute('aria-describedby', 'token-hint token-error');
    $('token-error-text').textContent = text;
    $('token-error').hidden = false;
  }
  box.hidden = false;
  box.focus();
}

function clearSignInError(): void {
  $('signin-error').hidden = true;
  $('signin-error-list').replaceChildren();
  $('token').closest('.govuk-form-group')?.classList.remove('govuk-form-group--error');
  $('token').classList.remove('govuk-textarea--error');
  $('token').setAttribute('aria-describedby', 'token-hint');
  $('token-error').hidden = true;
}

/** Takes the session in: its form token for state-changing calls, the names, and the organisation pickers. */
async function startSession(s: Session): Promise<void> {
  session = s;
  setFormToken(s.formToken ?? null);
  try {
    await loadNames();
  } catch {
    // Ids are shown where names could not be loaded.
  }
  const orgs = $<HTMLSelectElement>('f-org');
  orgs.replaceChildren(
    el('option', { value: '', text: 'Any' }),
    ...allOrganisations().map((o) => el('option', { value: o.id, text: o.name })),
  );
  fillBreachPickers(s.org);
  showSignedIn(s);
}

function showSignedIn(s: Session): void {
  $('who').textContent = `Signed in as ${s.name ?? s.sub} (${s.orgName ?? orgName(s.org)})`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('nav').hidden = false;
}

// ---------- sign-in ----------

let demoIdentities: Promise<void> | null = null;

/** Offers the demo identities once, however often the sign-in view is shown. */
function loadDemoIdentities(): Promise<void> {
  demoIdentities ??= (async () => {
    if (!(await api<{ demo: boolean }>('/ig/sign-in-options')).demo) return;
    const ids = await api<DemoIdentity[]>('/ig/demo-identities');
    const list = $('demo-identities');
    for (const id of ids) {
      const b = el('button', {
        type: 'button',
        class: 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0',
        'data-org': id.org,
        text: `${id.name} (${id.kind}) — ${id.sub}`,
      });
      b.addEventListener(
        'click',
        () => void signIn(() => api<Session>('/ig/demo-session', { method: 'POST', body: { org: id.org } }), false),
      );
      list.append(el('li', {}, b));
    }
    $('demo-signin').hidden = ids.length === 0;
  })().catch(() => {
    demoIdentities = null;
  });
  return demoIdentities;
}

/** Signs in with `call` (a pasted token's when `withToken`, or a demo identity's). */
async function signIn(call: () => Promise<Session>, withToken: boolean): Promise<void> {
  showMessage('');
  clearSignInError();
  try {
    await call();
    // The session as the console API sees it (names, form token).
    await startSession(await api<Session>('/ig/api/session'));
    location.hash = '#/log';
    await route();
  } catch (e) {
    showSignInError(`Sign-in failed: ${messageOf(e)}`, withToken);
  }
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('token');
  const token = input.value.trim();
  input.value = '';
  if (!token) {
    showSignInError('Enter a request token', true);
    return;
  }
  void signIn(
    () => api<Session>('/ig/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
    true,
  );
});

$('sign-out').addEventListener('click', () => {
  // Signed out either way.
  void api('/ig/api/session', { method: 'DELETE' })
    .catch(() => undefined)
    .then(() => {
      session = null;
      setFormToken(null);
      location.hash = '#/signin';
      showSignedOut();
    });
});

// ---------- log review ----------

function searchParams(): URLSearchParams {
  const f = $<HTMLFormElement>('search-form');
  const p = new URLSearchParams();
  for (const name of ['crn', 'org', 'actor', 'purpose', 'decision']) {
    const v = field(f, name).value.trim();
    if (v) p.set(name, v);
  }
  const from = localToIso(field(f, 'from').value);
  const to = localToIso(field(f, 'to').value);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return p;
}

async function runSearch(more: boolean): Promise<void> {
  const p = searchParams();
  p.set('limit', '50');
  if (more && logCursor) p.set('cursor', logCursor);
  const body = $<HTMLTableElement>('log-table').tBodies[0];
  const form = $<HTMLFormElement>('search-form');
  clearFormErrors(form);
  $('log-status').textContent = 'Searching…';
  try {
    const page = await api<{ entries: Entry[]; nextCursor: string | null }>(`/ig/api/entries?${p.toString()}`);
    const csv = searchParams();
    $<HTMLAnchorElement>('log-csv').href = `/ig/api/entries.csv${csv.size ? `?${csv.toString()}` : ''}`;
    $('log-csv').hidden = false;
    if (!more) body.replaceChildren();
    for (const e of page.entries) {
      body.append(
        tr(
          {},
          td({}, el('a', { class: 'govuk-link', href: `#/entry/${e.index}`, text: String(e.index) })),
          td({ class: 'app-nowrap', text: fmtTime(e.timestamp) }),
          td({ text: orgName(e.actor.org) }),
          e.pruned ? td({ text: prunedText(e.pruned) }) : td({ text: e.actor.sub }),
          td({ text: e.action }, e.breakGlass ? [' ', tag('break-glass', 'orange')] : null),
          td({ class: 'app-nowrap', text: e.crn ?? '' }),
          td({ text: purposeName(e.purpose) }),
          td({}, decisionTag(e.decision)),
        ),
      );
    }
    logCursor = page.nextCursor;
    $('log-table').hidden = body.childElementCount === 0;
    $('log-more').hidden = !logCursor;
    $('log-status').textContent = body.childElementCount
      ? `${body.childElementCount} entries shown${logCursor ? '; older entries available' : ''}.`
      : 'No entries match.';
  } catch (e) {
    $('log-status').textContent = '';
    $('log-csv').hidden = true;
    showFormErrors(form, e, 'Search failed');
  }
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void runSearch(false);
});
$('log-more').addEventListener('click', () => void runSearch(true));

// ---------- entry ----------

let currentEntry: Entry | null = null;

function detailRow(dl: HTMLElement, term: string, value: Node | string | null | undefined): void {
  dl.append(summaryRow(term, value));
}

async function showEntry(index: string): Promise<void> {
  const dl = $('entry-detail');
  dl.replaceChildren();
  $('verify-result').replaceChildren();
  $('verify').hidden = true;
  currentEntry = null;
  $('entry-title').textContent = `Entry ${index}`;
  try {
    const e = await api<Entry>(`/ig/api/entries/${encodeURIComponent(index)}`);
    currentEntry = e;
    detailRow(dl, 'Time', fmtTime(e.timestamp));
    if (e.pruned) {
      // Only what was not personal data is left; the leaf hash still proves the entry's place in the log.
      detailRow(dl, 'Pruned', `${prunedText(e.pruned)}: its details were older than the log's retention period.`);
      detailRow(dl, 'Organisation', orgName(e.actor.org));
      detailRow(dl, 'Action', e.action);
      detailRow(dl, 'Decision', e.decision);
      detailRow(dl, 'Released to', orgName(e.recipientOrg));
      detailRow(dl, 'Break-glass', e.breakGlass ? 'Yes' : 'No');
      $('verify').hidden = false;
      return;
    }
    detailRow(
      dl,
      'Actor',
      `${e.actor.sub} (${orgName(e.actor.org)}), roles: ${e.actor.roles.join(', ') || 'none'}${e.actor.idp ? `; signed in through ${e.actor.idp}` : ''}`,
    );
    detailRow(dl, 'Action', `${e.action} on ${e.resource.type} ${e.resource.id}`);
    detailRow(dl, 'CRN', e.crn ? el('span', { class: 'app-nowrap', text: e.crn }) : null);
    detailRow(dl, 'Purpose', purposeName(e.purpose));
    detailRow(dl, 'Justification', e.reason);
    detailRow(dl, 'Decision', e.decision);
    detailRow(
      dl,
      'Reasons',
      e.reasons.length
        ? el(
            'ul',
            { class: 'govuk-list' },
            e.reasons.map((r) => el('li', { class: 'app-break', text: r })),
          )
        : '',
    );
    detailRow(dl, 'Agreement', agreementName(e.agreement));
    detailRow(dl, 'Fields released', fieldNames(e.fieldsReleased));
    detailRow(dl, 'Fields withheld', fieldNames(e.fieldsWithheld));
    detailRow(dl, 'Data of', orgName(e.ownerOrg));
    detailRow(dl, 'Released to', orgName(e.recipientOrg));
    detailRow(dl, 'Break-glass', e.breakGlass ? 'Yes: emergency access outside the usual relationship' : 'No');
    detailRow(dl, 'Request id', el('span', { class: 'app-break', text: e.requestId }));
    if (e.redacted)
      detailRow(
        dl,
        'Redacted',
        'Yes: an answer of "not found". Only the data\'s owner and the gateway operator see its details.',
      );
    $('verify').hidden = false;
  } catch (err) {
    currentEntry = null;
    $('verify').hidden = true;
    showMessage(messageOf(err));
  }
}

async function verifyCurrent(): Promise<void> {
  const out = $('verify-result');
  out.replaceChildren(el('p', { class: 'govuk-body', text: 'Verifying…' }));
  try {
    const e = currentEntry;
    if (!e) throw new Error('no entry is shown');
    const checkpoint = await api<Checkpoint>(`/ig/api/checkpoint?atLeast=${e.index + 1}`);
    const [proof, jwks] = await Promise.all([
      api<Proof>(`/ig/api/entries/${e.index}/proof?treeSize=${checkpoint.treeSize}`),
      api<Jwks>('/.well-known/jwks.json'),
    ]);
    const checked = await verifyEntry(e as unknown as Entry & Record<string, unknown>, proof, checkpoint, jwks);
    const outcome = checked.ok
      ? e.pruned
        ? `Inclusion verified: entry ${e.index} (pruned, so only its leaf hash is left) is in the signed log of ${checkpoint.treeSize} entries.`
        : checked.redacted
          ? `Inclusion verified: entry ${e.index} (shown redacted, so its content cannot be checked here) is in the signed log of ${checkpoint.treeSize} entries.`
          : `Verified: entry ${e.index} is in the signed log of ${checkpoint.treeSize} entries.`
      : 'Not verified: see the failed step below.';
    out.replaceChildren(
      result(checked.ok, outcome, { id: 'verify-outcome' }),
      el(
        'ul',
        { class: 'govuk-list app-steps' },
        checked.steps.map((s) =>
          el(
            'li',
            { class: s.ok ? 'app-step--ok' : 'app-step--fail' },
            tag(s.ok ? 'Passed' : 'Failed', s.ok ? 'green' : 'red'),
            ' ',
            el('strong', { text: s.label }),
            el('span', { class: 'app-break', text: ` — ${s.detail}` }),
          ),
        ),
      ),
    );
    out.append(await witnessedOutcome(e));
  } catch (err) {
    out.replaceChildren(result(false, `Not verified: ${messageOf(err)}`, { id: 'verify-outcome' }));
  }
}

/** Whether the entry is in the latest checkpoint the log's witnesses cosigned, checked in the browser. */
async function witnessedOutcome(e: Entry): Promise<HTMLElement> {
  const w = await api<Witnessing>('/ig/api/witnesses');
  const line = (ok: boolean | null, text: string) => result(ok, text, { id: 'verify-witnessed' });
  if (!w.witnesses.length) return line(null, 'This gateway has no witnesses configured.');
  const size = w.note ? Number(w.note.split('\n')[1]) : 0;
  if (!w.note || !(size > e.index))
    return line(null, `Entry ${e.index} is not in a checkpoint the witnesses have cosigned yet.`);
  const proof = await api<Proof>(`/ig/api/entries/${e.index}/proof?treeSize=${size}`);
  const keys = w.witnesses.map((x) => x.key);
  const entry = e as unknown as Entry & Record<string, unknown>;
  const r = await verifyEntryWitnessed(entry, proof, w.note, w.logKey, keys, w.quorum);
  const cosigners = r.witnesses.filter((x) => x.cosignedAt).map((x) => x.name);
  return r.ok && r.included
    ? line(
        true,
        `Witnessed: entry ${e.index} is in the checkpoint of ${size} entries cosigned by ${cosigners.join(', ')}.`,
      )
    : line(false, `Not witnessed: ${r.ok ? 'the proof does not lead to the witnessed checkpoint' : r.why}.`);
}

$('verify').addEventListener('click', () => void verifyCurrent());

// ---------- subject access report ----------

async function showReport(crn: string, more: boolean): Promise<void> {
  const p = new URLSearchParams({ limit: '100' });
  if (more && reportCursor) p.set('cursor', reportCursor);
  const body = $<HTMLTableElement>('report-table').tBodies[0];
  const form = $<HTMLFormElement>('subject-form');
  clearFormErrors(form);
  try {
    const r = await api<{ accesses: Access[]; nextCursor: string | null }>(
      `/ig/api/subjects/${encodeURIComponent(crn)}/report?${p.toString()}`,
    );
    if (!more) body.replaceChildren();
    for (const a of r.accesses) {
      body.append(
        tr(
          {},
          td(
            { class: 'app-nowrap' },
            el('a', { class: 'govuk-link', href: `#/entry/${a.index}`, text: fmtTime(a.timestamp) }),
          ),
          td({ text: a.actor }),
          td({ text: orgName(a.org) }),
          td(
            {},
            purposeName(a.purpose) || '—',
            a.reason ? el('br') : null,
            a.reason ? el('span', { class: 'govuk-hint', text: a.reason }) : null,
            a.breakGlass ? [' ', tag('break-glass', 'orange')] : null,
          ),
          td({ text: agreementName(a.agreement) || '—' }),
          td({}, decisionTag(a.decision)),
          td({ text: fieldNames(a.fieldsReleased) }),
          td({ text: fieldNames(a.fieldsWithheld) }),
        ),
      );
    }
    reportCursor = r.nextCursor;
    $('report-heading').textContent = `Accesses to the data of ${crn}`;
    $('report-summary').textContent =
      `${body.childElementCount} access${body.childElementCount === 1 ? '' : 'es'} in your organisation's view of the log, newest first. Produced ${fmtTime(new Date().toISOString())}.`;
    $<HTMLAnchorElement>('report-csv').href = `/ig/api/subjects/${encodeURIComponent(crn)}/report.csv`;
    $('report-more').hidden = !reportCursor;
    $('report').hidden = false;
  } catch (err) {
    $('report').hidden = true;
    showFormErrors(form, err, 'Could not show the report');
  }
}

const subjectCrn = () => $<HTMLInputElement>('s-crn').value.trim().toUpperCase();

$('subject-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const crn = subjectCrn();
  if (!crn) {
    const missing = { errors: [{ field: 'crn', message: 'enter the CRN of the person, for example X123456' }] };
    showFormErrors($<HTMLFormElement>('subject-form'), new ApiError(400, missing), 'No CRN');
    return;
  }
  location.hash = `#/subject/${crn}`;
});
$('report-print').addEventListener('click', () => window.print());
$('report-more').addEventListener('click', () => void showReport(subjectCrn(), true));

// ---------- routing ----------

async function route(): Promise<void> {
  showMessage('');
  const [, name = 'log', arg] = location.hash.split('/');
  if (!session) {
    showSignedOut();
    return;
  }
  switch (name) {
    case 'entry':
      showView('entry');
      await showEntry(decodeURIComponent(arg ?? ''));
      break;
    case 'subject':
      showView('subject');
      if (arg) {
        $<HTMLInputElement>('s-crn').value = decodeURIComponent(arg);
        await showReport(decodeURIComponent(arg), false);
      }
      break;
    case 'flags':
      showView('flags');
      await showFlags();
      break;
    case 'charts':
      showView('charts');
      await showCharts();
      break;
    case 'overview':
      showView('overview');
      await showOverview();
      break;
    case 'records':
      showView('records');
      await showRecords();
      break;
    case 'breach':
      showView('breach');
      await showBreach(decodeURIComponent(arg ?? ''));
      break;
    case 'retention':
      showView('retention');
      await showRetention();
      break;
    default:
      showView('log');
      if (!$<HTMLTableElement>('log-table').tBodies[0].childElementCount) await runSearch(false);
  }
}

$('retention-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void showRetention();
});

// Only #/ addresses are views; others (#main-content, a field an error links to) are places on the page.
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || !location.hash) void route();
});
followErrorLinks();
window.addEventListener('ig:signed-out', () => {
  session = null;
  setFormToken(null);
  showSignedOut();
});

void (async function start() {
  try {
    await startSession(await api<Session>('/ig/api/session'));
  } catch (e) {
    session = null;
    // Signed in, but not as an ig-reviewer (403): say so where it is seen, not a bare sign-in form.
    if (e instanceof ApiError && e.status === 403) {
      await route();
      showSignInError(messageOf(e), false);
      return;
    }
  }
  await route();
})();
