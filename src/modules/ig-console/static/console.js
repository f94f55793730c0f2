// The IG console: a small hash-routed page over /ig/api (see IgApiController).
import { $, api, el, fmtTime, localToIso, showMessage } from './dom.js';
import { showFlags, showOverview } from './governance.js';
import { verifyEntry } from './verify.js';

const VIEWS = ['signin', 'log', 'entry', 'subject', 'flags', 'overview'];
let session = null;
let logCursor = null;
let reportCursor = null;

function showView(name) {
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== name;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const heading = document.querySelector(`#view-${name} h2`);
  if (heading) heading.focus();
}

function showSignedOut() {
  $('nav').hidden = true;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  showView('signin');
  loadDemoIdentities();
}

function showSignedIn() {
  $('who').textContent = `Signed in as ${session.sub} (${session.org})`;
  $('who').hidden = false;
  $('sign-out').hidden = false;
  $('nav').hidden = false;
}

// ---------- sign-in ----------

let demoIdentities = null;

/** Offers the demo identities once, however often the sign-in view is shown. */
function loadDemoIdentities() {
  demoIdentities ??= (async () => {
    if (!(await api('/ig/sign-in-options')).demo) return;
    const ids = await api('/ig/demo-identities');
    const list = $('demo-identities');
    for (const id of ids) {
      const b = el('button', { type: 'button', class: 'button secondary', 'data-org': id.org, text: `${id.name} (${id.kind}) — ${id.sub}` });
      b.addEventListener('click', () => signIn(() => api('/ig/demo-session', { method: 'POST', body: { org: id.org } })));
      list.append(el('li', {}, b));
    }
    $('demo-signin').hidden = ids.length === 0;
  })().catch(() => {
    demoIdentities = null;
  });
  return demoIdentities;
}

async function signIn(call) {
  showMessage('');
  try {
    session = await call();
    showSignedIn();
    location.hash = '#/log';
    route();
  } catch (e) {
    showMessage(`Sign-in failed: ${e.message}`);
  }
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  signIn(() => api('/ig/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }));
});

$('sign-out').addEventListener('click', async () => {
  try {
    await api('/ig/api/session', { method: 'DELETE' });
  } catch {
    // Signed out either way.
  }
  session = null;
  location.hash = '#/signin';
  showSignedOut();
});

// ---------- log review ----------

function searchParams() {
  const f = $('search-form');
  const p = new URLSearchParams();
  for (const name of ['crn', 'org', 'actor', 'purpose', 'decision']) {
    const v = f.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  const from = localToIso(f.elements.from.value);
  const to = localToIso(f.elements.to.value);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return p;
}

async function runSearch(more) {
  const p = searchParams();
  p.set('limit', '50');
  if (more && logCursor) p.set('cursor', logCursor);
  const body = $('log-table').tBodies[0];
  $('log-status').textContent = 'Searching…';
  try {
    const page = await api(`/ig/api/entries?${p}`);
    if (!more) body.replaceChildren();
    for (const e of page.entries) {
      body.append(
        el('tr', {},
          el('td', {}, el('a', { href: `#/entry/${e.index}`, text: String(e.index) })),
          el('td', { text: fmtTime(e.timestamp) }),
          el('td', { text: e.actor.org }),
          el('td', { text: e.actor.sub }),
          el('td', { text: e.action }, e.breakGlass ? el('span', { class: 'tag warn', text: 'break-glass' }) : null),
          el('td', { text: e.crn ?? '' }),
          el('td', { text: e.purpose ?? '' }),
          el('td', {}, el('span', { class: `tag ${e.decision === 'ALLOW' ? 'ok' : 'deny'}`, text: e.decision })),
        ),
      );
    }
    logCursor = page.nextCursor;
    $('log-table').hidden = body.childElementCount === 0;
    $('log-more').hidden = !logCursor;
    $('log-status').textContent = body.childElementCount ? `${body.childElementCount} entries shown${logCursor ? '; older entries available' : ''}.` : 'No entries match.';
  } catch (e) {
    $('log-status').textContent = `Search failed: ${e.message}`;
  }
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  runSearch(false);
});
$('log-more').addEventListener('click', () => runSearch(true));

// ---------- entry ----------

let currentEntry = null;

function detailRow(dl, term, value) {
  dl.append(el('dt', { text: term }), el('dd', {}, value === '' || value === null || value === undefined ? '—' : value));
}

async function showEntry(index) {
  const dl = $('entry-detail');
  dl.replaceChildren();
  $('verify-result').replaceChildren();
  $('verify').hidden = true;
  currentEntry = null;
  $('entry-title').textContent = `Entry ${index}`;
  try {
    const e = await api(`/ig/api/entries/${encodeURIComponent(index)}`);
    currentEntry = e;
    detailRow(dl, 'Time', fmtTime(e.timestamp));
    detailRow(dl, 'Actor', `${e.actor.sub} (${e.actor.org}), roles: ${e.actor.roles.join(', ') || 'none'}`);
    detailRow(dl, 'Action', `${e.action} on ${e.resource.type} ${e.resource.id}`);
    detailRow(dl, 'CRN', e.crn);
    detailRow(dl, 'Purpose', e.purpose);
    detailRow(dl, 'Justification', e.reason);
    detailRow(dl, 'Decision', e.decision);
    detailRow(dl, 'Reasons', e.reasons.length ? el('ul', {}, e.reasons.map((r) => el('li', { text: r }))) : '');
    detailRow(dl, 'Agreement', e.agreement ? `${e.agreement.id} version ${e.agreement.version}` : '');
    detailRow(dl, 'Fields released', e.fieldsReleased.join(', '));
    detailRow(dl, 'Fields withheld', e.fieldsWithheld.join(', '));
    detailRow(dl, 'Data of', e.ownerOrg);
    detailRow(dl, 'Released to', e.recipientOrg);
    detailRow(dl, 'Break-glass', e.breakGlass ? 'Yes: emergency access outside the usual relationship' : 'No');
    detailRow(dl, 'Request id', e.requestId);
    if (e.redacted) detailRow(dl, 'Redacted', 'Yes: an answer of "not found". Only the data\'s owner and the gateway operator see its details.');
    $('verify').hidden = false;
  } catch (err) {
    currentEntry = null;
    $('verify').hidden = true;
    showMessage(err.message);
  }
}

$('verify').addEventListener('click', async () => {
  const out = $('verify-result');
  out.replaceChildren(el('p', { text: 'Verifying…' }));
  try {
    const e = currentEntry;
    const checkpoint = await api(`/ig/api/checkpoint?atLeast=${e.index + 1}`);
    const [proof, jwks] = await Promise.all([api(`/ig/api/entries/${e.index}/proof?treeSize=${checkpoint.treeSize}`), api('/.well-known/jwks.json')]);
    const result = await verifyEntry(e, proof, checkpoint, jwks);
    out.replaceChildren(
      el('p', { class: `result ${result.ok ? 'ok' : 'fail'}`, id: 'verify-outcome', text: result.ok ? (result.redacted ? `Inclusion verified: entry ${e.index} (shown redacted, so its content cannot be checked here) is in the signed log of ${checkpoint.treeSize} entries.` : `Verified: entry ${e.index} is in the signed log of ${checkpoint.treeSize} entries.`) : 'Not verified: see the failed step below.' }),
      el('ul', { class: 'steps' }, result.steps.map((s) => el('li', { class: s.ok ? 'ok' : 'fail' }, el('strong', { text: `${s.ok ? 'Passed' : 'Failed'}: ${s.label}` }), ` — ${s.detail}`))),
    );
  } catch (err) {
    out.replaceChildren(el('p', { class: 'result fail', id: 'verify-outcome', text: `Not verified: ${err.message}` }));
  }
});

// ---------- subject access report ----------

async function showReport(crn, more) {
  const p = new URLSearchParams({ limit: '100' });
  if (more && reportCursor) p.set('cursor', reportCursor);
  const body = $('report-table').tBodies[0];
  try {
    const r = await api(`/ig/api/subjects/${encodeURIComponent(crn)}/report?${p}`);
    if (!more) body.replaceChildren();
    for (const a of r.accesses) {
      body.append(
        el('tr', {},
          el('td', {}, el('a', { href: `#/entry/${a.index}`, text: fmtTime(a.timestamp) })),
          el('td', { text: a.actor }),
          el('td', { text: a.org }),
          el('td', {}, a.purpose ?? '—', a.reason ? el('br') : null, a.reason ? el('span', { class: 'justification', text: a.reason }) : null, a.breakGlass ? el('span', { class: 'tag warn', text: 'break-glass' }) : null),
          el('td', { text: a.agreement ? `${a.agreement.id} v${a.agreement.version}` : '—' }),
          el('td', {}, el('span', { class: `tag ${a.decision === 'ALLOW' ? 'ok' : 'deny'}`, text: a.decision })),
          el('td', { text: a.fieldsReleased.join(', ') || '—' }),
          el('td', { text: a.fieldsWithheld.join(', ') || '—' }),
        ),
      );
    }
    reportCursor = r.nextCursor;
    $('report-heading').textContent = `Accesses to the data of ${crn}`;
    $('report-summary').textContent = `${body.childElementCount} access${body.childElementCount === 1 ? '' : 'es'} in your organisation's view of the log, newest first. Produced ${fmtTime(new Date().toISOString())}.`;
    $('report-csv').href = `/ig/api/subjects/${encodeURIComponent(crn)}/report.csv`;
    $('report-more').hidden = !reportCursor;
    $('report').hidden = false;
  } catch (err) {
    showMessage(err.message);
  }
}

$('subject-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const crn = $('s-crn').value.trim().toUpperCase();
  location.hash = `#/subject/${crn}`;
});
$('report-print').addEventListener('click', () => window.print());
$('report-more').addEventListener('click', () => showReport($('s-crn').value.trim().toUpperCase(), true));
// ---------- routing ----------

async function route() {
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
        $('s-crn').value = decodeURIComponent(arg);
        await showReport(decodeURIComponent(arg), false);
      }
      break;
    case 'flags':
      showView('flags');
      await showFlags();
      break;
    case 'overview':
      showView('overview');
      await showOverview();
      break;
    default:
      showView('log');
      if (!$('log-table').tBodies[0].childElementCount) await runSearch(false);
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('ig:signed-out', () => {
  session = null;
  showSignedOut();
});

(async function start() {
  try {
    session = await api('/ig/api/session');
    showSignedIn();
  } catch {
    session = null;
  }
  await route();
})();
