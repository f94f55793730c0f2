// The retention report: what the retention job would erase of the reviewer's organisation's data, and when.
import { $, api, clearFormErrors, el, fmtTime, localToIso, para, showFormErrors, table, td, tr } from './dom.js';

interface RetentionKind {
  kind: string;
  from: string;
  rules: { id: string; org: string | null; days: number; description: string; source: string }[];
  due: number;
  nextDueAt: string | null;
  items: { id: string; crn: string | null; org: string; dueAt: string }[];
}

interface RetentionReport {
  schedule: string[];
  at: string;
  org: string | null;
  kinds: RetentionKind[];
}

const KIND_NAMES: Record<string, string> = {
  'case-record': 'Case records',
  assessment: 'Assessments',
  'exchange-request': 'Exchange requests and responses',
  'person-session': 'Sign-in sessions',
  'ig-session': 'IG console sessions',
  'replay-token': 'Replay tokens',
};

function kindsTable(r: RetentionReport): HTMLElement {
  return table(
    { id: 'retention-kinds', caption: `Due by ${fmtTime(r.at)} under ${r.schedule.join(', ')}`, showCaption: true },
    ['Data', 'Kept', 'Due', 'Next due'],
    r.kinds.map((k) =>
      tr(
        { 'data-kind': k.kind },
        td({ text: KIND_NAMES[k.kind] ?? k.kind }),
        td({
          text: k.rules.map((x) => `${x.days} days from ${k.from}${x.org ? ` (${x.org})` : ''}`).join('; '),
        }),
        td({ class: 'govuk-table__cell--numeric', text: String(k.due) }),
        td({ class: 'app-nowrap', text: k.nextDueAt ? fmtTime(k.nextDueAt) : 'none' }),
      ),
    ),
  );
}

function itemsTable(r: RetentionReport): HTMLElement {
  const items = r.kinds.flatMap((k) => k.items.map((i) => ({ kind: k.kind, ...i })));
  if (!items.length) return para('Nothing with a CRN would be erased.');
  return table(
    {
      id: 'retention-items',
      caption: 'What would be erased (oldest first, up to 100 of each kind)',
      showCaption: true,
    },
    ['Data', 'Id', 'CRN', 'Due'],
    items.map((i) =>
      tr(
        {},
        td({ text: KIND_NAMES[i.kind] ?? i.kind }),
        td({ class: 'app-break', text: i.id }),
        td({ class: 'app-nowrap', text: i.crn ?? '' }),
        td({ class: 'app-nowrap', text: fmtTime(i.dueAt) }),
      ),
    ),
  );
}

/** Shows the report as a run at the form's time would see it (now when empty): a dry run, nothing is erased. */
export async function showRetention(): Promise<void> {
  const out = $('retention-body');
  const form = $<HTMLFormElement>('retention-form');
  clearFormErrors(form);
  const at = localToIso($<HTMLInputElement>('retention-at').value);
  out.replaceChildren(para('Loading…'));
  try {
    const r = await api<RetentionReport>(`/ig/api/retention${at ? `?at=${encodeURIComponent(at)}` : ''}`);
    out.replaceChildren(kindsTable(r), el('h3', { class: 'govuk-heading-s', text: 'Items due' }), itemsTable(r));
  } catch (e) {
    out.replaceChildren();
    showFormErrors(form, e, 'Could not show the report');
  }
}
