// The retention report: what the retention job would erase of the reviewer's organisation's data, and when.
import { $, api, el, fmtTime, localToIso, messageOf } from './dom.js';

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

const th = (text: string) => el('th', { scope: 'col', text });

function kindsTable(r: RetentionReport): HTMLTableElement {
  return el(
    'table',
    { class: 'data compact', id: 'retention-kinds' },
    el('caption', { text: `Due by ${fmtTime(r.at)} under ${r.schedule.join(', ')}` }),
    el('thead', {}, el('tr', {}, th('Data'), th('Kept'), th('Due'), th('Next due'))),
    el(
      'tbody',
      {},
      r.kinds.map((k) =>
        el(
          'tr',
          { 'data-kind': k.kind },
          el('td', { text: KIND_NAMES[k.kind] ?? k.kind }),
          el('td', {
            text: k.rules.map((x) => `${x.days} days from ${k.from}${x.org ? ` (${x.org})` : ''}`).join('; '),
          }),
          el('td', { text: String(k.due) }),
          el('td', { text: k.nextDueAt ? fmtTime(k.nextDueAt) : 'none' }),
        ),
      ),
    ),
  );
}

function itemsTable(r: RetentionReport): HTMLElement {
  const items = r.kinds.flatMap((k) => k.items.map((i) => ({ kind: k.kind, ...i })));
  if (!items.length) return el('p', { text: 'Nothing with a CRN would be erased.' });
  return el(
    'table',
    { class: 'data compact', id: 'retention-items' },
    el('caption', { text: 'What would be erased (oldest first, up to 100 of each kind)' }),
    el('thead', {}, el('tr', {}, th('Data'), th('Id'), th('CRN'), th('Due'))),
    el(
      'tbody',
      {},
      items.map((i) =>
        el(
          'tr',
          {},
          el('td', { text: KIND_NAMES[i.kind] ?? i.kind }),
          el('td', { text: i.id }),
          el('td', { text: i.crn ?? '' }),
          el('td', { text: fmtTime(i.dueAt) }),
        ),
      ),
    ),
  );
}

/** Shows the report as a run at the form's time would see it (now when empty): a dry run, nothing is erased. */
export async function showRetention(): Promise<void> {
  const out = $('retention-body');
  const at = localToIso($<HTMLInputElement>('retention-at').value);
  out.replaceChildren(el('p', { text: 'Loading…' }));
  try {
    const r = await api<RetentionReport>(`/ig/api/retention${at ? `?at=${encodeURIComponent(at)}` : ''}`);
    out.replaceChildren(kindsTable(r), el('h3', { text: 'Items due' }), itemsTable(r));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error', text: messageOf(e) }));
  }
}
