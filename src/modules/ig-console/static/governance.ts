// Misuse flags and the governance overview.
import { $, api, el, field, fmtTime, localToIso, messageOf } from './dom.js';
import { orgName } from './names.js';
import { verifyCheckpoint, verifyWitnessedCheckpoint, type Checkpoint, type Jwks, type Witnessing } from './verify.js';

const FLAG_NAMES: Record<string, string> = {
  BULK_ACCESS: 'Bulk access',
  REPEATED_DENIALS: 'Repeated denials',
  OUTSIDE_WORKING_HOURS: 'Outside working hours',
  AGREEMENT_SUSPENDED: 'Access under a suspended agreement',
  AGREEMENT_REVIEW_OVERDUE: 'Access past the agreement review date',
  BREAK_GLASS: 'Break-glass access',
};

interface Review {
  reviewerSub: string;
  reviewedAt: string;
  note: string;
}

interface Flag {
  id: string;
  kind: string;
  actor: { org: string; sub: string };
  summary: string;
  from: string;
  to: string;
  evidence: number[];
  review: Review | null;
}

interface FlagsPage {
  flags: Flag[];
  entriesExamined: number;
  from: string;
  to: string;
  truncated: boolean;
}

interface Overview {
  agreements: {
    byStatus: Record<string, number>;
    pastReviewDate: { title: string; status: string; reviewBy: string; parties: string[] }[];
  };
  breachesOverdue: { id: string; summary: string; severity: string; icoDeadline: string }[];
  overdueExchangeRequests:
    { id: string; requester: string; provider: string; crn: string; urgency: string; dueBy: string }[] | null;
  webhookDelivery: WebhookDelivery[];
  checkpoint: Checkpoint;
}

interface WebhookDelivery {
  url: string;
  types: string[];
  org: string;
  delivered: number;
  backlog: number;
  oldestUndeliveredSeconds: number | null;
  failedAttempts: number;
  deadLetters: number;
  lastError: string | null;
}

const WEBHOOK_COLUMNS = [
  'Subscription',
  'Organisation',
  'Delivered',
  'Waiting',
  'Oldest waiting',
  'Failed attempts',
  'Dead letters',
  'Last error',
];
const fmtAge = (s: number | null) =>
  s === null ? '' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;

function webhookTable(subs: WebhookDelivery[]): HTMLElement {
  if (!subs.length) return el('p', { text: 'No webhook subscriptions.' });
  return el(
    'table',
    { class: 'data compact', id: 'webhook-delivery' },
    el('caption', { class: 'visually-hidden', text: 'Webhook subscriptions and their delivery status' }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        WEBHOOK_COLUMNS.map((h) => el('th', { scope: 'col', text: h })),
      ),
    ),
    el(
      'tbody',
      {},
      subs.map((s) =>
        el(
          'tr',
          { class: s.deadLetters || s.backlog ? 'attention' : undefined },
          el('td', { text: `${s.url} (${s.types.join(', ')})` }),
          el('td', { text: s.org }),
          el('td', { text: String(s.delivered) }),
          el('td', { text: String(s.backlog) }),
          el('td', { text: fmtAge(s.oldestUndeliveredSeconds) }),
          el('td', { text: String(s.failedAttempts) }),
          el('td', { text: String(s.deadLetters) }),
          el('td', { text: s.lastError ?? '' }),
        ),
      ),
    ),
  );
}

export async function showFlags(): Promise<void> {
  const f = $<HTMLFormElement>('flags-form');
  const p = new URLSearchParams();
  const from = localToIso(field(f, 'from').value);
  const to = localToIso(field(f, 'to').value);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  if ($<HTMLInputElement>('g-unreviewed').checked) p.set('unreviewed', 'true');
  const list = $('flags-list');
  list.replaceChildren();
  $('flags-status').textContent = 'Looking for flags…';
  try {
    const r = await api<FlagsPage>(`/ig/api/flags?${p.toString()}`);
    $('flags-status').textContent =
      `${r.flags.length}${p.has('unreviewed') ? ' unreviewed' : ''} flag${r.flags.length === 1 ? '' : 's'} from ${r.entriesExamined} entries between ${fmtTime(r.from)} and ${fmtTime(r.to)}.${r.truncated ? ' The range holds more entries than one search reads: narrow it.' : ''}`;
    r.flags.forEach((flag, i) => list.append(flagItem(flag, i)));
  } catch (err) {
    $('flags-status').textContent = `Could not compute flags: ${messageOf(err)}`;
  }
}

function flagItem(flag: Flag, i: number): HTMLLIElement {
  const noteId = `note-${i}`;
  const reviewed = (r: Review) => `Reviewed by ${r.reviewerSub} on ${fmtTime(r.reviewedAt)}: ${r.note}`;
  const status = el(
    'p',
    { class: 'review', role: 'status' },
    flag.review ? reviewed(flag.review) : 'Not reviewed yet.',
  );
  const form = el(
    'form',
    { class: 'form review-form' },
    el('label', { for: noteId, text: 'Review note' }),
    el('textarea', { id: noteId, name: 'note', rows: 2, required: true, maxlength: 2000 }),
    el('button', { type: 'submit', class: 'button secondary', text: 'Mark reviewed' }),
  );
  const item = el(
    'li',
    { class: `flag${flag.review ? ' reviewed' : ''}`, 'data-kind': flag.kind },
    el('h3', { text: `${FLAG_NAMES[flag.kind] ?? flag.kind}: ${flag.actor.sub} (${orgName(flag.actor.org)})` }),
    el('p', { text: flag.summary }),
    el(
      'p',
      {},
      `${fmtTime(flag.from)}${flag.to !== flag.from ? ` to ${fmtTime(flag.to)}` : ''}. Evidence: `,
      ...flag.evidence.flatMap((idx, n) => [n ? ', ' : '', el('a', { href: `#/entry/${idx}`, text: `entry ${idx}` })]),
    ),
    status,
    form,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const note = field(form, 'note');
    api<Review>('/ig/api/flags/reviews', { method: 'POST', body: { flagId: flag.id, note: note.value } }).then(
      (review) => {
        status.textContent = reviewed(review);
        note.value = '';
        item.classList.add('reviewed');
      },
      (err: unknown) => {
        status.textContent = `Could not save the review: ${messageOf(err)}`;
      },
    );
  });
  return item;
}

$('flags-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void showFlags();
});

export async function showOverview(): Promise<void> {
  const out = $('overview-body');
  out.replaceChildren(el('p', { text: 'Loading…' }));
  try {
    const o = await api<Overview>('/ig/api/overview');
    const statuses = Object.entries(o.agreements.byStatus);
    const sigResult = el('p', {
      id: 'checkpoint-verify',
      class: 'result',
      role: 'status',
      text: 'Checking the signature…',
    });
    const witnessSection = el('div', { id: 'witnesses' }, el('p', { text: 'Checking the witnesses…' }));
    out.replaceChildren(
      el('h3', { text: 'Data-sharing agreements' }),
      statuses.length
        ? el(
            'table',
            { class: 'data compact' },
            el('caption', { class: 'visually-hidden', text: 'Agreements by status' }),
            el(
              'thead',
              {},
              el('tr', {}, el('th', { scope: 'col', text: 'Status' }), el('th', { scope: 'col', text: 'Agreements' })),
            ),
            el(
              'tbody',
              {},
              statuses.map(([s, n]) => el('tr', {}, el('td', { text: s }), el('td', { text: String(n) }))),
            ),
          )
        : el('p', { text: 'Your organisation is party to no agreements.' }),
      el('h3', { text: 'Past their review date' }),
      o.agreements.pastReviewDate.length
        ? el(
            'ul',
            {},
            o.agreements.pastReviewDate.map((a) =>
              el('li', {
                text: `${a.title} (${a.status}): review was due ${a.reviewBy.slice(0, 10)}; parties ${a.parties.map(orgName).join(', ')}`,
              }),
            ),
          )
        : el('p', { text: 'None.' }),
      el('h3', { text: 'Breaches overdue for reporting to the ICO' }),
      o.breachesOverdue.length
        ? el(
            'ul',
            { id: 'breaches-overdue' },
            o.breachesOverdue.map((b) =>
              el(
                'li',
                {},
                el('a', { href: `#/breach/${b.id}`, text: b.summary }),
                ` (${b.severity}): the 72 hours ended ${fmtTime(b.icoDeadline)}`,
              ),
            ),
          )
        : el('p', { text: 'None.' }),
      el('h3', { text: 'Exchange requests overdue' }),
      o.overdueExchangeRequests === null
        ? el('p', { text: 'Overdue exchange requests are not available.' })
        : o.overdueExchangeRequests.length
          ? el(
              'ul',
              {},
              o.overdueExchangeRequests.map((r) =>
                el('li', {
                  text: `${r.id}: ${orgName(r.requester)} asked ${orgName(r.provider)} about ${r.crn} (${r.urgency}); due ${fmtTime(r.dueBy)}`,
                }),
              ),
            )
          : el('p', { text: 'None.' }),
      el('h3', { text: 'Webhook delivery' }),
      webhookTable(o.webhookDelivery),
      el('h3', { text: 'Latest signed checkpoint of the access log' }),
      el(
        'dl',
        { class: 'detail' },
        el('dt', { text: 'Entries' }),
        el('dd', { text: String(o.checkpoint.treeSize) }),
        el('dt', { text: 'Root hash' }),
        el('dd', { class: 'hash', text: o.checkpoint.rootHash }),
        el('dt', { text: 'Signed' }),
        el('dd', { text: fmtTime(o.checkpoint.timestamp) }),
      ),
      sigResult,
      el('h3', { text: 'Witnesses' }),
      witnessSection,
    );
    const jwks = await api<Jwks>('/.well-known/jwks.json');
    const v = await verifyCheckpoint(o.checkpoint, jwks);
    sigResult.className = `result ${v.ok ? 'ok' : 'fail'}`;
    sigResult.textContent = v.ok
      ? `Signature verified in your browser with the gateway's ${v.alg} key ${v.kid}.`
      : `Signature NOT verified: ${v.why}.`;
    await showWitnesses(witnessSection);
  } catch (err) {
    out.replaceChildren(el('p', { text: `Could not load the overview: ${messageOf(err)}` }));
  }
}

/** Which witnesses cosigned the latest witnessed checkpoint, each cosignature checked in the browser. */
async function showWitnesses(out: HTMLElement): Promise<void> {
  const w = await api<Witnessing>('/ig/api/witnesses');
  if (!w.witnesses.length) {
    out.replaceChildren(
      el('p', { text: 'This gateway has no witnesses configured: its checkpoints rest on its own key.' }),
    );
    return;
  }
  if (!w.note) {
    out.replaceChildren(
      el('p', {
        id: 'witness-verify',
        class: 'result fail',
        text: `No checkpoint has been cosigned by ${w.quorum} of the ${w.witnesses.length} witnesses yet.`,
      }),
    );
    return;
  }
  const check = await verifyWitnessedCheckpoint(
    w.note,
    w.logKey,
    w.witnesses.map((x) => x.key),
    w.quorum,
  );
  out.replaceChildren(
    el('p', {
      id: 'witness-verify',
      class: `result ${check.ok ? 'ok' : 'fail'}`,
      role: 'status',
      text: check.ok
        ? `Checkpoint of ${check.size} entries cosigned by ${check.witnesses.filter((x) => x.cosignedAt).length} of ${w.witnesses.length} witnesses (${w.quorum} required); every signature verified in your browser.`
        : `Witnessed checkpoint NOT verified: ${check.why}.`,
    }),
    el(
      'table',
      { class: 'data compact', id: 'witness-table' },
      el('caption', { class: 'visually-hidden', text: 'Witness cosignatures' }),
      el(
        'thead',
        {},
        el('tr', {}, el('th', { scope: 'col', text: 'Witness' }), el('th', { scope: 'col', text: 'Cosignature' })),
      ),
      el(
        'tbody',
        {},
        check.witnesses.map((x) =>
          el(
            'tr',
            {},
            el('td', { text: x.name }),
            el('td', {}, x.cosignedAt ? `verified, cosigned ${fmtTime(x.cosignedAt)}` : 'none on this checkpoint'),
          ),
        ),
      ),
    ),
    el('p', {
      class: 'note',
      text: "The witnesses' keys are those configured on the gateway: compare them with the ones your organisation agreed.",
    }),
  );
}
