/** What the activity charts read of an entry: members every reviewer's projection of it keeps. */
export interface ChartedEntry {
  timestamp: string;
  actor: { org: string };
  purpose: string | null;
  decision: string;
  breakGlass: boolean;
}

/** One series of a chart: a count per day, in the order of ActivityCharts.days. */
export interface Series {
  key: string;
  counts: number[];
}

/** Counts per day over a range, for the console's charts (each with a data table beside it). */
export interface ActivityCharts {
  from: string;
  to: string;
  /** Days of the range, YYYY-MM-DD in the UK's time zone, oldest first. */
  days: string[];
  /** Entries with a purpose (reads and decisions about case data), per acting organisation. */
  accessesByOrganisation: Series[];
  /** The same entries, per purpose. */
  accessesByPurpose: Series[];
  /** Entries with decision DENY. */
  denials: number[];
  /** Entries made under break-glass. */
  breakGlass: number[];
  entriesExamined: number;
  /** True when the range held more entries than one computation reads: narrow it. */
  truncated: boolean;
}

const UK_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The UK calendar day of an instant, YYYY-MM-DD. */
export function ukDay(at: Date): string {
  return UK_DAY.format(at);
}

/** Every UK calendar day from `from` to `to` inclusive (at most `max`). */
export function daysBetween(from: Date, to: Date, max = 62): string[] {
  const days: string[] = [];
  // Steps of 12 hours never skip a UK day (every one lasts 23 to 25 hours); repeats are merged.
  for (let t = from.getTime(); days.length < max; t += 43_200_000) {
    const d = ukDay(new Date(Math.min(t, to.getTime())));
    if (days.at(-1) !== d) days.push(d);
    if (t >= to.getTime()) break;
  }
  if (days.at(-1) !== ukDay(to) && days.length < max) days.push(ukDay(to));
  return days;
}

/** Counts `entries` per UK day of [from, to]: accesses by organisation and by purpose, denials, break-glass. */
export function activityCharts(
  entries: readonly ChartedEntry[],
  range: { from: Date; to: Date },
  truncated = false,
): ActivityCharts {
  const days = daysBetween(range.from, range.to);
  const at = new Map(days.map((d, i) => [d, i]));
  const byOrg = new Map<string, number[]>();
  const byPurpose = new Map<string, number[]>();
  const denials = days.map(() => 0);
  const breakGlass = days.map(() => 0);
  const bump = (m: Map<string, number[]>, key: string, i: number) => {
    let counts = m.get(key);
    if (!counts) m.set(key, (counts = days.map(() => 0)));
    counts[i]++;
  };
  for (const e of entries) {
    const i = at.get(ukDay(new Date(e.timestamp)));
    if (i === undefined) continue;
    if (e.purpose) {
      bump(byOrg, e.actor.org, i);
      bump(byPurpose, e.purpose, i);
    }
    if (e.decision === 'DENY') denials[i]++;
    if (e.breakGlass) breakGlass[i]++;
  }
  const series = (m: Map<string, number[]>): Series[] =>
    [...m]
      .map(([key, counts]) => ({ key, counts }))
      .sort((a, b) => sum(b.counts) - sum(a.counts) || a.key.localeCompare(b.key));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    days,
    accessesByOrganisation: series(byOrg),
    accessesByPurpose: series(byPurpose),
    denials,
    breakGlass,
    entriesExamined: entries.length,
    truncated,
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
