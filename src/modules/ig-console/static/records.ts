// IG records: the breach register with its ICO clocks, and agreements' DPIA and review schedule.
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
  showFormErrors,
  showMessage,
  summaryRow,
  table,
  tag,
  td,
  tr,
} from './dom.js';
import { agreementName, allAgreements, allOrganisations, orgName } from './names.js';

/** The breach form's pickers: a GOV.UK checkbox per agreement of the organisation and per partner organisation, by name. */
export function fillBreachPickers(ownOrg: string): void {
  const boxes = (container: string, name: string, items: { id: string; label: string }[]) =>
    $(container).replaceChildren(
      ...(items.length
        ? items.map((it, i) =>
            el(
              'div',
              { class: 'govuk-checkboxes__item' },
              el('input', {
                class: 'govuk-checkboxes__input',
                type: 'checkbox',
                id: `${container}-${i}`,
                name,
                value: it.id,
              }),
              el('label', { class: 'govuk-label govuk-checkboxes__label', for: `${container}-${i}`, text: it.label }),
            ),
          )
        : [el('p', { class: 'govuk-hint', text: 'None.' })]),
    );
  boxes(
    'b-agreements',
    'agreementIds',
    allAgreements().map((a) => ({ id: a.id, label: `${a.title} (${a.status.toLowerCase()})` })),
  );
  boxes(
    'b-partners',
    'partnerOrgs',
    allOrganisations()
      .filter((o) => o.id !== ownOrg)
      .map((o) => ({ id: o.id, label: o.name })),
  );
}

/** The values of the checked boxes named `name` in `form`. */
function checked(form: HTMLFormElement, name: string): string[] {
  return Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`), (i) => i.value);
}

interface BreachVersion {
  version: number;
  status: string;
  summary: string;
  severity: string;
  reportable: boolean | null;
  crns: string[];
  agreementIds: string[];
  partnerOrgs: string[];
  icoReportedAt: string | null;
  icoReference: string | null;
  notReportableReason: string | null;
  note: string | null;
  recordedAt: string;
  recordedBy: string;
}

interface Breach extends BreachVersion {
  id: string;
  discoveredAt: string;
  occurredAt: string | null;
  icoDeadline: string;
  overdue: boolean;
  reportedLate: boolean;
  minutesLeft: number | null;
  history: BreachVersion[];
}

interface AgreementRecord {
  id: string;
  title: string;
  status: string;
  parties: string[];
  dpiaReference: string | null;
  reviewBy: string;
  reviewIntervalMonths: number | null;
  reviewDue: string | null;
  nextReview: string | null;
}

const STATUS_NAMES: Record<string, string> = {
  OPEN: 'Open',
  REPORTED: 'Reported to the ICO',
  NOT_REPORTABLE: 'Not reportable',
  CLOSED: 'Closed',
};

/** "N h M min left", "overdue", or where the breach stands when its clock does not run. */
function clock(b: Breach): HTMLElement | string {
  if (b.overdue) return tag('overdue', 'red');
  if (b.minutesLeft !== null) {
    const h = Math.floor(b.minutesLeft / 60);
    return tag(`${h} h ${b.minutesLeft % 60} min left`, b.minutesLeft < 24 * 60 ? 'orange' : 'grey');
  }
  if (b.reportedLate) return tag('reported late', 'orange');
  return '';
}

const list = (v: string) =>
  v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export async function showRecords(): Promise<void> {
  await Promise.all([showBreaches(), showAgreementRecords()]);
}

async function showBreaches(): Promise<void> {
  const table = $<HTMLTableElement>('breach-table');
  const body = table.tBodies[0];
  $('breaches-status').textContent = 'Loading the register…';
  try {
    const { breaches } = await api<{ breaches: Breach[] }>('/ig/api/breaches');
    const overdue = breaches.filter((b) => b.overdue).length;
    $('breaches-status').textContent = breaches.length
      ? `${breaches.length} breach${breaches.length === 1 ? '' : 'es'} recorded; ${overdue} overdue for reporting to the ICO.`
      : 'No breaches recorded.';
    body.replaceChildren(
      ...breaches.map((b) =>
        tr(
          { class: b.overdue ? 'app-row--attention' : undefined },
          td({ class: 'app-nowrap', text: fmtTime(b.discoveredAt) }),
          td({}, el('a', { class: 'govuk-link', href: `#/breach/${b.id}`, text: b.summary })),
          td({ text: b.severity }),
          td({ text: STATUS_NAMES[b.status] ?? b.status }),
          td({}, el('span', { class: 'app-nowrap', text: fmtTime(b.icoDeadline) }), ' ', clock(b)),
        ),
      ),
    );
    table.hidden = breaches.length === 0;
  } catch (err) {
    $('breaches-status').textContent = `Could not load the register: ${messageOf(err)}`;
  }
}

async function showAgreementRecords(): Promise<void> {
  const out = $('agreement-records');
  try {
    const { agreements } = await api<{ agreements: AgreementRecord[] }>('/ig/api/agreements');
    if (!agreements.length) {
      out.replaceChildren(para('Your organisation is party to no agreements in force or in draft.'));
      return;
    }
    const date = (iso: string | null) => (iso ? iso.slice(0, 10) : '');
    out.replaceChildren(
      table(
        { id: 'agreement-record-table', caption: 'Agreements with their DPIA reference and review schedule' },
        ['Agreement', 'Status', 'DPIA reference', 'First review', 'Then every', 'Review due since', 'Next review'],
        agreements.map((a) =>
          tr(
            { class: a.reviewDue || !a.dpiaReference ? 'app-row--attention' : undefined },
            td({ text: `${a.title} (${a.parties.map(orgName).join(', ')})` }),
            td({ text: a.status }),
            td({ text: a.dpiaReference ?? 'none recorded' }),
            td({ class: 'app-nowrap', text: date(a.reviewBy) }),
            td({ text: a.reviewIntervalMonths ? `${a.reviewIntervalMonths} months` : 'one review' }),
            td({ class: 'app-nowrap', text: date(a.reviewDue) }),
            td({ class: 'app-nowrap', text: date(a.nextReview) }),
          ),
        ),
      ),
    );
  } catch (err) {
    out.replaceChildren(para(`Could not load the agreements: ${messageOf(err)}`));
  }
}

let shown: string | null = null;

export async function showBreach(id: string): Promise<void> {
  shown = id;
  $('change-status').textContent = '';
  clearFormErrors($<HTMLFormElement>('change-form'));
  $('breach-title').textContent = 'Breach';
  $('breach-detail').replaceChildren();
  $<HTMLTableElement>('breach-history').tBodies[0].replaceChildren();
  try {
    renderBreach(await api<Breach>(`/ig/api/breaches/${encodeURIComponent(id)}`));
  } catch (err) {
    showMessage(`Could not load the breach: ${messageOf(err)}`);
  }
}

function renderBreach(b: Breach): void {
  $('breach-title').textContent = `Breach discovered ${fmtTime(b.discoveredAt)}`;
  const row = summaryRow;
  $('breach-detail').replaceChildren(
    row('What happened', b.summary),
    row('Status', STATUS_NAMES[b.status] ?? b.status),
    row('Severity', b.severity),
    row('Reportable', b.reportable === null ? 'not assessed yet' : b.reportable ? 'yes' : 'no'),
    row(
      'ICO deadline',
      el('span', {}, el('span', { class: 'app-nowrap', text: fmtTime(b.icoDeadline) }), ' ', clock(b)),
    ),
    ...(b.occurredAt ? [row('Happened', fmtTime(b.occurredAt))] : []),
    ...(b.icoReportedAt ? [row('Reported to the ICO', `${fmtTime(b.icoReportedAt)} ${b.icoReference ?? ''}`)] : []),
    ...(b.notReportableReason ? [row('Why not reportable', b.notReportableReason)] : []),
    row('People (CRNs)', b.crns.join(', ') || 'none named'),
    row('Agreements', b.agreementIds.map((a) => agreementName(a)).join(', ') || 'none named'),
    row('Partners', b.partnerOrgs.map(orgName).join(', ') || 'none named'),
  );
  $<HTMLFormElement>('change-form').hidden = b.status === 'CLOSED';
  $<HTMLTableElement>('breach-history').tBodies[0].replaceChildren(
    ...b.history.map((v) =>
      tr(
        {},
        td({ text: String(v.version) }),
        td({ class: 'app-nowrap', text: fmtTime(v.recordedAt) }),
        td({ class: 'app-break', text: v.recordedBy }),
        td({ text: STATUS_NAMES[v.status] ?? v.status }),
        td({ text: v.severity }),
        td({ text: v.note ?? 'recorded' }),
      ),
    ),
  );
}

$('breach-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.currentTarget as HTMLFormElement;
  const body = {
    summary: field(f, 'summary').value,
    discoveredAt: localToIso(field(f, 'discoveredAt').value),
    occurredAt: localToIso(field(f, 'occurredAt').value),
    severity: field(f, 'severity').value,
    crns: list(field(f, 'crns').value),
    agreementIds: checked(f, 'agreementIds'),
    partnerOrgs: checked(f, 'partnerOrgs'),
  };
  clearFormErrors(f);
  api<Breach>('/ig/api/breaches', { method: 'POST', body }).then(
    (b) => {
      f.reset();
      location.hash = `#/breach/${b.id}`;
    },
    (err: unknown) => showFormErrors(f, err, 'Could not record the breach'),
  );
});

$('change-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.currentTarget as HTMLFormElement;
  const value = (name: string) => field(f, name).value.trim() || undefined;
  const body = {
    note: field(f, 'note').value,
    status: value('status'),
    icoReportedAt: localToIso(field(f, 'icoReportedAt').value),
    icoReference: value('icoReference'),
    notReportableReason: value('notReportableReason'),
  };
  const id = shown;
  if (!id) return;
  clearFormErrors(f);
  $('change-status').textContent = '';
  api<Breach>(`/ig/api/breaches/${encodeURIComponent(id)}/changes`, { method: 'POST', body }).then(
    (b) => {
      f.reset();
      renderBreach(b);
      $('change-status').textContent = `Version ${b.version} recorded.`;
    },
    (err: unknown) => showFormErrors(f, err, 'Could not record the change'),
  );
});
