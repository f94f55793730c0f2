// Misuse flags and the governance overview.
import {
  $,
  api,
  clearFormErrors,
  el,
  field,
  fmtTime,
  localToIso,
  messageOf,
  para,
  result,
  showFormErrors,
  showMessage,
  summaryRow,
  table,
  tag,
  td,
  tr,
} from './dom.js';
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
  if (!subs.length) return para('No webhook subscriptions.');
  return table(
    { id: 'webhook-delivery', caption: 'Webhook subscriptions and their delivery status', numeric: [2, 3, 5, 6] },
    WEBHOOK_COLUMNS,
    subs.map((s) =>
      tr(
        { class: s.deadLetters || s.backlog ? 'app-row--attention' : undefined },
        td({ class: 'app-break', text: `${s.url} (${s.types.join(', ')})` }),
        td({ text: s.org }),
        td({ class: 'govuk-table__cell--numeric', text: String(s.delivered) }),
        td({ class: 'govuk-table__cell--numeric', text: String(s.backlog) }),
        td({ text: fmtAge(s.oldestUndeliveredSeconds) }),
        td({ class: 'govuk-table__cell--numeric', text: String(s.failedAttempts) }),
        td({ class: 'govuk-table__cell--numeric', text: String(s.deadLetters) }),
        td({ class: 'app-break', text: s.lastError ?? '' }),
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
  clearFormErrors(f);
  $('flags-status').textContent = 'Looking for flags…';
  try {
    const r = await api<FlagsPage>(`/ig/api/flags?${p.toString()}`);
    $('flags-status').textContent =
      `${r.flags.length}${p.has('unreviewed') ? ' unreviewed' : ''} flag${r.flags.length === 1 ? '' : 's'} from ${r.entriesExamined} entries between ${fmtTime(r.from)} and ${fmtTime(r.to)}.${r.truncated ? ' The range holds more entries than one search reads: narrow it.' : ''}`;
    r.flags.forEach((flag, i) => list.append(flagItem(flag, i)));
  } catch (err) {
    $('flags-status').textContent = '';
    showFormErrors(f, err, 'Could not compute flags');
  }
}

/** A flag as a GOV.UK summary card: what was seen, its evidence, its review or a form to review it. */
function flagItem(flag: Flag, i: number): HTMLLIElement {
  const noteId = `note-${i}`;
  const reviewed = (r: Review) => `Reviewed by ${r.reviewerSub} on ${fmtTime(r.reviewedAt)}: ${r.note}`;
  const reviewTag = (done: boolean) => tag(done ? 'Reviewed' : 'Not reviewed', done ? 'green' : 'red');
  let state = reviewTag(Boolean(flag.review));
  const status = para(flag.review ? reviewed(flag.review) : 'Not reviewed yet.', { role: 'status' });
  const form = el(
    'form',
    { novalidate: true },
    el(
      'div',
      { class: 'govuk-form-group' },
      el('label', { class: 'govuk-label', for: noteId, text: 'Review note' }),
      el('textarea', { class: 'govuk-textarea', id: noteId, name: 'note', rows: 2 }),
    ),
    el('button', { type: 'submit', class: 'govuk-button govuk-button--secondary', text: 'Mark reviewed' }),
  );
  const title = el(
    'div',
    { class: 'govuk-summary-card__title-wrapper' },
    el('h3', {
      class: 'govuk-summary-card__title',
      text: `${FLAG_NAMES[flag.kind] ?? flag.kind}: ${flag.actor.sub} (${orgName(flag.actor.org)})`,
    }),
    state,
  );
  const item = el(
    'li',
    { class: 'app-flag', 'data-kind': flag.kind },
    el(
      'div',
      { class: 'govuk-summary-card' },
      title,
      el(
        'div',
        { class: 'govuk-summary-card__content' },
        para(flag.summary),
        el(
          'p',
          { class: 'govuk-body' },
          `${fmtTime(flag.from)}${flag.to !== flag.from ? ` to ${fmtTime(flag.to)}` : ''}. Evidence: `,
          ...flag.evidence.flatMap((idx, n) => [
            n ? ', ' : '',
            el('a', { class: 'govuk-link', href: `#/entry/${idx}`, text: `entry ${idx}` }),
          ]),
        ),
        status,
        form,
      ),
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearFormErrors(form);
    const note = field(form, 'note');
    api<Review>('/ig/api/flags/reviews', { method: 'POST', body: { flagId: flag.id, note: note.value } }).then(
      (review) => {
        status.textContent = reviewed(review);
        note.value = '';
        const done = reviewTag(true);
        state.replaceWith(done);
        state = done;
      },
      (err: unknown) => showFormErrors(form, err, 'Could not save the review'),
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
  out.replaceChildren(para('Loading…'));
  try {
    const o = await api<Overview>('/ig/api/overview');
    const statuses = Object.entries(o.agreements.byStatus);
    const sigResult = result(null, 'Checking the signature…', { id: 'checkpoint-verify', role: 'status' });
    const witnessSection = el('div', { id: 'witnesses' }, para('Checking the witnesses…'));
    const h3 = (text: string) => el('h3', { class: 'govuk-heading-s', text });
    const bullets = (attrs: Record<string, string>, items: HTMLElement[]) =>
      el('ul', { ...attrs, class: 'govuk-list govuk-list--bullet' }, items);
    out.replaceChildren(
      h3('Data-sharing agreements'),
      statuses.length
        ? table(
            { caption: 'Agreements by status', numeric: [1] },
            ['Status', 'Agreements'],
            statuses.map(([s, n]) =>
              tr({}, td({ text: s }), td({ class: 'govuk-table__cell--numeric', text: String(n) })),
            ),
          )
        : para('Your organisation is party to no agreements.'),
      h3('Past their review date'),
      o.agreements.pastReviewDate.length
        ? bullets(
            {},
            o.agreements.pastReviewDate.map((a) =>
              el('li', {
                text: `${a.title} (${a.status}): review was due ${a.reviewBy.slice(0, 10)}; parties ${a.parties.map(orgName).join(', ')}`,
              }),
            ),
          )
        : para('None.'),
      h3('Breaches overdue for reporting to the ICO'),
      o.breachesOverdue.length
        ? bullets(
            { id: 'breaches-overdue' },
            o.breachesOverdue.map((b) =>
              el(
                'li',
                {},
                el('a', { class: 'govuk-link', href: `#/breach/${b.id}`, text: b.summary }),
                ` (${b.severity}): the 72 hours ended ${fmtTime(b.icoDeadline)}`,
              ),
            ),
          )
        : para('None.'),
      h3('Exchange requests overdue'),
      o.overdueExchangeRequests === null
        ? para('Overdue exchange requests are not available.')
        : o.overdueExchangeRequests.length
          ? bullets(
              {},
              o.overdueExchangeRequests.map((r) =>
                el('li', {
                  text: `${r.id}: ${orgName(r.requester)} asked ${orgName(r.provider)} about ${r.crn} (${r.urgency}); due ${fmtTime(r.dueBy)}`,
                }),
              ),
            )
          : para('None.'),
      h3('Webhook delivery'),
      webhookTable(o.webhookDelivery),
      h3('Latest signed checkpoint of the access log'),
      el(
        'dl',
        { class: 'govuk-summary-list' },
        summaryRow('Entries', String(o.checkpoint.treeSize)),
        summaryRow('Root hash', el('span', { class: 'app-hash', text: o.checkpoint.rootHash })),
        summaryRow('Signed', fmtTime(o.checkpoint.timestamp)),
      ),
      sigResult,
      h3('Witnesses'),
      witnessSection,
    );
    const jwks = await api<Jwks>('/.well-known/jwks.json');
    const v = await verifyCheckpoint(o.checkpoint, jwks);
    sigResult.classList.add(v.ok ? 'app-result--ok' : 'app-result--fail');
    sigResult.textContent = v.ok
      ? `Signature verified in your browser with the gateway's ${v.alg} key ${v.kid}.`
      : `Signature NOT verified: ${v.why}.`;
    await showWitnesses(witnessSection);
  } catch (err) {
    showMessage(`Could not load the overview: ${messageOf(err)}`);
    out.replaceChildren();
  }
}

/** Which witnesses cosigned the latest witnessed checkpoint, each cosignature checked in the browser. */
async function showWitnesses(out: HTMLElement): Promise<void> {
  const w = await api<Witnessing>('/ig/api/witnesses');
  if (!w.witnesses.length) {
    out.replaceChildren(para('This gateway has no witnesses configured: its checkpoints rest on its own key.'));
    return;
  }
  if (!w.note) {
    out.replaceChildren(
      result(false, `No checkpoint has been cosigned by ${w.quorum} of the ${w.witnesses.length} witnesses yet.`, {
        id: 'witness-verify',
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
    result(
      check.ok,
      check.ok
        ? `Checkpoint of ${check.size} entries cosigned by ${check.witnesses.filter((x) => x.cosignedAt).length} of ${w.witnesses.length} witnesses (${w.quorum} required); every signature verified in your browser.`
        : `Witnessed checkpoint NOT verified: ${check.why}.`,
      { id: 'witness-verify', role: 'status' },
    ),
    table(
      { id: 'witness-table', caption: 'Witness cosignatures' },
      ['Witness', 'Cosignature'],
      check.witnesses.map((x) =>
        tr(
          {},
          td({ class: 'app-break', text: x.name }),
          td({}, x.cosignedAt ? `verified, cosigned ${fmtTime(x.cosignedAt)}` : 'none on this checkpoint'),
        ),
      ),
    ),
    para(
      "The witnesses' keys are those configured on the gateway: compare them with the ones your organisation agreed.",
      { class: 'govuk-hint' },
    ),
  );
}
