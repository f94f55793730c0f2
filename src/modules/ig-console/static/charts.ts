// Activity charts: accesses per day by organisation and by purpose, denials, and break-glass, as
// SVG bars (no chart library, no inline script or style) each with its data as a table.
import { $, api, clearFormErrors, el, field, localToIso, showFormErrors, table, td, th, tr } from './dom.js';
import { orgName, purposeName } from './names.js';

interface Series {
  key: string;
  counts: number[];
}

interface ActivityCharts {
  days: string[];
  accessesByOrganisation: Series[];
  accessesByPurpose: Series[];
  denials: number[];
  breakGlass: number[];
  entriesExamined: number;
  truncated: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';
/** Colours the legend and bars share (console.css .app-s0 to .app-s7); further series are summed as "Others". */
const COLOURS = 8;
const HEIGHT = 160;
const BAR = 28;
const GAP = 8;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** "5 Dec" for a YYYY-MM-DD day. */
function shortDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** At most COLOURS series: the largest, and the rest summed as "Others". */
function topSeries(series: Series[], label: (key: string) => string): { label: string; counts: number[] }[] {
  const shown = series.slice(0, COLOURS - 1).map((s) => ({ label: label(s.key), counts: s.counts }));
  const rest = series.slice(COLOURS - 1);
  if (rest.length === 1) shown.push({ label: label(rest[0].key), counts: rest[0].counts });
  else if (rest.length)
    shown.push({ label: 'Others', counts: rest[0].counts.map((_, i) => rest.reduce((n, s) => n + s.counts[i], 0)) });
  return shown;
}

/** A stacked bar chart of `series` per day, with a legend and the same numbers as a table. */
function chart(id: string, title: string, days: string[], series: { label: string; counts: number[] }[]): HTMLElement {
  const totals = days.map((_, i) => series.reduce((n, s) => n + s.counts[i], 0));
  const max = Math.max(1, ...totals);
  const width = days.length * (BAR + GAP) + GAP;
  const picture = svg('svg', {
    viewBox: `0 0 ${width} ${HEIGHT + 20}`,
    width,
    height: HEIGHT + 20,
    role: 'img',
    'aria-label': `${title}: bar chart, ${totals.reduce((a, b) => a + b, 0)} in all; the table below gives every number.`,
  });
  days.forEach((day, i) => {
    let y = HEIGHT;
    series.forEach((s, n) => {
      const h = (s.counts[i] / max) * (HEIGHT - 10);
      if (!h) return;
      y -= h;
      const bar = svg('rect', { x: GAP + i * (BAR + GAP), y, width: BAR, height: h, class: `app-s${n}` });
      bar.append(Object.assign(svg('title', {}), { textContent: `${shortDay(day)}, ${s.label}: ${s.counts[i]}` }));
      picture.append(bar);
    });
    // At most about 8 labels, so they never run into each other.
    if (i % Math.max(1, Math.ceil(days.length / 8)) === 0) {
      const label = svg('text', {
        x: GAP + i * (BAR + GAP) + BAR / 2,
        y: HEIGHT + 15,
        'text-anchor': 'middle',
        'font-size': 9,
      });
      label.textContent = shortDay(day);
      picture.append(label);
    }
  });
  const legend =
    series.length > 1
      ? el(
          'ul',
          { class: 'govuk-list govuk-body-s app-legend', 'aria-hidden': 'true' },
          series.map((s, n) => el('li', {}, el('span', { class: `app-swatch app-s${n}` }), s.label)),
        )
      : null;
  const columns = ['Day', ...series.map((s) => s.label), ...(series.length > 1 ? ['Total'] : [])];
  const data = table(
    { id: `${id}-table`, caption: `${title}, per day`, numeric: columns.map((_, i) => i).slice(1) },
    columns,
    days.map((day, i) =>
      tr(
        {},
        th('row', shortDay(day), 'app-nowrap'),
        series.map((s) => td({ class: 'govuk-table__cell--numeric', text: String(s.counts[i]) })),
        series.length > 1 ? td({ class: 'govuk-table__cell--numeric', text: String(totals[i]) }) : null,
      ),
    ),
  );
  return el(
    'figure',
    { class: 'app-chart', id },
    el('figcaption', { class: 'govuk-heading-s govuk-!-margin-bottom-2', text: title }),
    el('p', { class: 'govuk-hint', text: `Tallest bar: ${Math.max(...totals)}.` }),
    picture,
    legend,
    el(
      'details',
      { class: 'govuk-details govuk-!-margin-top-4' },
      el(
        'summary',
        { class: 'govuk-details__summary' },
        el('span', { class: 'govuk-details__summary-text', text: `${title}: the data as a table` }),
      ),
      el('div', { class: 'govuk-details__text' }, data),
    ),
  );
}

export async function showCharts(): Promise<void> {
  const f = $<HTMLFormElement>('charts-form');
  const p = new URLSearchParams();
  const from = localToIso(field(f, 'from').value);
  const to = localToIso(field(f, 'to').value);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  const out = $('charts-body');
  clearFormErrors(f);
  $('charts-status').textContent = 'Counting…';
  try {
    const c = await api<ActivityCharts>(`/ig/api/charts?${p.toString()}`);
    $('charts-status').textContent =
      `${c.entriesExamined} entries from ${shortDay(c.days[0])} to ${shortDay(c.days[c.days.length - 1])}.${c.truncated ? ' The range holds more entries than one count reads: narrow it.' : ''}`;
    out.replaceChildren(
      chart(
        'chart-organisations',
        'Accesses per day by organisation',
        c.days,
        topSeries(c.accessesByOrganisation, orgName),
      ),
      chart('chart-purposes', 'Accesses per day by purpose', c.days, topSeries(c.accessesByPurpose, purposeName)),
      chart('chart-denials', 'Denials per day', c.days, [{ label: 'Denials', counts: c.denials }]),
      chart('chart-break-glass', 'Break-glass accesses per day', c.days, [
        { label: 'Break-glass', counts: c.breakGlass },
      ]),
    );
  } catch (err) {
    $('charts-status').textContent = '';
    out.replaceChildren();
    showFormErrors(f, err, 'Could not count');
  }
}

$('charts-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void showCharts();
});
