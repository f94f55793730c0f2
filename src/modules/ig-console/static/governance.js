// Misuse flags and the governance overview.
import { $, api, el, fmtTime, localToIso } from './dom.js';
import { verifyCheckpoint } from './verify.js';

const FLAG_NAMES = {
  BULK_ACCESS: 'Bulk access',
  REPEATED_DENIALS: 'Repeated denials',
  OUTSIDE_WORKING_HOURS: 'Outside working hours',
  AGREEMENT_SUSPENDED: 'Access under a suspended agreement',
  AGREEMENT_REVIEW_OVERDUE: 'Access past the agreement review date',
  BREAK_GLASS: 'Break-glass access',
};

export async function showFlags() {
  const f = $('flags-form');
  const p = new URLSearchParams();
  const from = localToIso(f.elements.from.value);
  const to = localToIso(f.elements.to.value);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  const list = $('flags-list');
  list.replaceChildren();
  $('flags-status').textContent = 'Looking for flags…';
  try {
    const r = await api(`/ig/api/flags?${p}`);
    $('flags-status').textContent = `${r.flags.length} flag${r.flags.length === 1 ? '' : 's'} from ${r.entriesExamined} entries between ${fmtTime(r.from)} and ${fmtTime(r.to)}.${r.truncated ? ' The range holds more entries than one search reads: narrow it.' : ''}`;
    r.flags.forEach((flag, i) => list.append(flagItem(flag, i)));
  } catch (err) {
    $('flags-status').textContent = `Could not compute flags: ${err.message}`;
  }
}

function flagItem(flag, i) {
  const noteId = `note-${i}`;
  const status = el('p', { class: 'review', role: 'status' }, flag.review ? `Reviewed by ${flag.review.reviewerSub} on ${fmtTime(flag.review.reviewedAt)}: ${flag.review.note}` : 'Not reviewed yet.');
  const form = el('form', { class: 'form review-form' },
    el('label', { for: noteId, text: 'Review note' }),
    el('textarea', { id: noteId, name: 'note', rows: 2, required: true, maxlength: 2000 }),
    el('button', { type: 'submit', class: 'button secondary', text: 'Mark reviewed' }),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const review = await api('/ig/api/flags/reviews', { method: 'POST', body: { flagId: flag.id, note: form.elements.note.value } });
      status.textContent = `Reviewed by ${review.reviewerSub} on ${fmtTime(review.reviewedAt)}: ${review.note}`;
      form.elements.note.value = '';
      item.classList.add('reviewed');
    } catch (err) {
      status.textContent = `Could not save the review: ${err.message}`;
    }
  });
  const item = el('li', { class: `flag${flag.review ? ' reviewed' : ''}`, 'data-kind': flag.kind },
    el('h3', { text: `${FLAG_NAMES[flag.kind] ?? flag.kind}: ${flag.actor.sub} (${flag.actor.org})` }),
    el('p', { text: flag.summary }),
    el('p', {}, `${fmtTime(flag.from)}${flag.to !== flag.from ? ` to ${fmtTime(flag.to)}` : ''}. Evidence: `, ...flag.evidence.flatMap((idx, n) => [n ? ', ' : '', el('a', { href: `#/entry/${idx}`, text: `entry ${idx}` })])),
    status,
    form,
  );
  return item;
}

$('flags-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  showFlags();
});

const WEBHOOK_COLUMNS = ['Subscription', 'Organisation', 'Delivered', 'Waiting', 'Oldest waiting', 'Failed attempts', 'Dead letters', 'Last error'];
const fmtAge = (s) => (s === null ? '' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);

function webhookTable(subs) {
  if (!subs.length) return el('p', { text: 'No webhook subscriptions.' });
  return el('table', { class: 'data compact', id: 'webhook-delivery' },
    el('caption', { class: 'visually-hidden', text: 'Webhook subscriptions and their delivery status' }),
    el('thead', {}, el('tr', {}, WEBHOOK_COLUMNS.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, subs.map((s) => el('tr', { class: s.deadLetters || s.backlog ? 'attention' : undefined },
      el('td', { text: `${s.url} (${s.types.join(', ')})` }),
      el('td', { text: s.org }),
      el('td', { text: String(s.delivered) }),
      el('td', { text: String(s.backlog) }),
      el('td', { text: fmtAge(s.oldestUndeliveredSeconds) }),
      el('td', { text: String(s.failedAttempts) }),
      el('td', { text: String(s.deadLetters) }),
      el('td', { text: s.lastError ?? '' }),
    ))),
  );
}

export async function showOverview() {
  const out = $('overview-body');
  out.replaceChildren(el('p', { text: 'Loading…' }));
  try {
    const o = await api('/ig/api/overview');
    const statuses = Object.entries(o.agreements.byStatus);
    const sigResult = el('p', { id: 'checkpoint-verify', class: 'result', role: 'status', text: 'Checking the signature…' });
    out.replaceChildren(
      el('h3', { text: 'Data-sharing agreements' }),
      statuses.length
        ? el('table', { class: 'data compact' }, el('caption', { class: 'visually-hidden', text: 'Agreements by status' }), el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Status' }), el('th', { scope: 'col', text: 'Agreements' }))), el('tbody', {}, statuses.map(([s, n]) => el('tr', {}, el('td', { text: s }), el('td', { text: String(n) })))))
        : el('p', { text: 'Your organisation is party to no agreements.' }),
      el('h3', { text: 'Past their review date' }),
      o.agreements.pastReviewDate.length
        ? el('ul', {}, o.agreements.pastReviewDate.map((a) => el('li', { text: `${a.title} (${a.status}): review was due ${a.reviewBy.slice(0, 10)}; parties ${a.parties.join(', ')}` })))
        : el('p', { text: 'None.' }),
      el('h3', { text: 'Exchange requests overdue' }),
      o.overdueExchangeRequests === null
        ? el('p', { text: 'Overdue exchange requests are not available.' })
        : o.overdueExchangeRequests.length
          ? el('ul', {}, o.overdueExchangeRequests.map((r) => el('li', { text: `${r.id}: ${r.requester} asked ${r.provider} about ${r.crn} (${r.urgency}); due ${fmtTime(r.dueBy)}` })))
          : el('p', { text: 'None.' }),
      el('h3', { text: 'Webhook delivery' }),
      webhookTable(o.webhookDelivery),
      el('h3', { text: 'Latest signed checkpoint of the access log' }),
      el('dl', { class: 'detail' }, el('dt', { text: 'Entries' }), el('dd', { text: String(o.checkpoint.treeSize) }), el('dt', { text: 'Root hash' }), el('dd', { class: 'hash', text: o.checkpoint.rootHash }), el('dt', { text: 'Signed' }), el('dd', { text: fmtTime(o.checkpoint.timestamp) })),
      sigResult,
    );
    const jwks = await api('/.well-known/jwks.json');
    const v = await verifyCheckpoint(o.checkpoint, jwks);
    sigResult.className = `result ${v.ok ? 'ok' : 'fail'}`;
    sigResult.textContent = v.ok ? `Signature verified in your browser with the gateway's ${v.alg} key ${v.kid}.` : `Signature NOT verified: ${v.why}.`;
  } catch (err) {
    out.replaceChildren(el('p', { text: `Could not load the overview: ${err.message}` }));
  }
}
