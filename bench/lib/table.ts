// Results table for benchmarks: aligned plain-text columns, optional JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type Verdict = 'pass' | 'fail' | 'warn' | 'info' | (string & {});

export interface ResultRow {
  name: string;
  figure: number;
  unit: string;
  /** A number (compared with `better`) or free text such as "<= 50 ms". */
  target?: number | string;
  /** A reference figure (e.g. the previous run, or another variant) shown with the relative change. */
  baseline?: number;
  /** Which direction is better, to derive a verdict from a numeric target. Default 'higher'. */
  better?: 'higher' | 'lower';
  /** Given verdict; when absent it is derived from a numeric target, else 'info'. */
  verdict?: Verdict;
  /** Free-text remark shown in the last column. */
  note?: string;
}

export interface TableOptions {
  title?: string;
  /**
   * `true`: print JSON to stdout (and the table to stderr, so stdout stays parseable);
   * a string: also write the JSON to that file (directories are created).
   */
  json?: boolean | string;
  /** Extra data to put in the JSON document (e.g. settings, environment). */
  meta?: Record<string, unknown>;
}

/** 'pass' / 'fail' for a numeric target, per `better`; 'info' otherwise. */
export function verdictFor(row: Pick<ResultRow, 'figure' | 'target' | 'better'>): Verdict {
  if (typeof row.target !== 'number' || !Number.isFinite(row.figure)) return 'info';
  const ok = (row.better ?? 'higher') === 'higher' ? row.figure >= row.target : row.figure <= row.target;
  return ok ? 'pass' : 'fail';
}

/** Formats a figure with a precision suited to its size (thousands separated). */
export function formatNumber(n: number | null | undefined): string {
  if (n === undefined) return '';
  // No figure (a benchmark that failed or was not measured; NaN reaches JSON as null).
  if (n === null || Number.isNaN(n)) return '-';
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = Number.isInteger(n) ? 0 : abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatDelta(figure: number, baseline: number | undefined): string {
  if (baseline === undefined || !Number.isFinite(baseline) || baseline === 0 || !Number.isFinite(figure)) return '';
  const d = ((figure - baseline) / Math.abs(baseline)) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (r: ResultRow) => string;
}

const COLUMNS: Column[] = [
  { header: 'benchmark', align: 'left', cell: (r) => r.name },
  { header: 'figure', align: 'right', cell: (r) => formatNumber(r.figure) },
  { header: 'unit', align: 'left', cell: (r) => r.unit },
  {
    header: 'target',
    align: 'right',
    cell: (r) => (typeof r.target === 'number' ? formatNumber(r.target) : (r.target ?? '')),
  },
  { header: 'baseline', align: 'right', cell: (r) => formatNumber(r.baseline) },
  { header: 'Δ', align: 'right', cell: (r) => formatDelta(r.figure, r.baseline) },
  { header: 'verdict', align: 'left', cell: (r) => r.verdict ?? (typeof r.target === 'number' ? verdictFor(r) : '') },
  { header: 'note', align: 'left', cell: (r) => r.note ?? '' },
];

/** Renders the rows as an aligned text table; empty columns are left out. */
export function formatTable(rows: ResultRow[], title?: string): string {
  const cols = COLUMNS.filter((c, i) => i < 3 || rows.some((r) => c.cell(r) !== ''));
  const cells = rows.map((r) => cols.map((c) => c.cell(r)));
  const width = (s: string) => [...s].length;
  const widths = cols.map((c, i) => Math.max(width(c.header), ...cells.map((row) => width(row[i]))));
  const pad = (s: string, w: number, align: 'left' | 'right') =>
    align === 'right' ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => pad(v, widths[i], cols[i].align))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (title) out.push(title);
  out.push(line(cols.map((c) => c.header)));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) out.push(line(row));
  return out.join('\n');
}

/** The JSON document emitted for a set of rows (verdicts resolved). */
export function toJson(rows: ResultRow[], options: Pick<TableOptions, 'title' | 'meta'> = {}): Record<string, unknown> {
  return {
    title: options.title,
    generatedAt: new Date().toISOString(),
    ...(options.meta ? { meta: options.meta } : {}),
    rows: rows.map((r) => ({ ...r, verdict: r.verdict ?? verdictFor(r) })),
  };
}

/** Prints the table (and JSON, per `options.json`). Resolves once any JSON file is written. */
export async function printTable(rows: ResultRow[], options: TableOptions = {}): Promise<void> {
  const text = formatTable(rows, options.title);
  if (options.json === true) {
    process.stderr.write(text + '\n');
    process.stdout.write(JSON.stringify(toJson(rows, options), null, 2) + '\n');
    return;
  }
  process.stdout.write(text + '\n');
  if (typeof options.json === 'string') {
    await mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
    await writeFile(options.json, JSON.stringify(toJson(rows, options), null, 2) + '\n');
  }
}

/** True if any row's verdict is 'fail' (e.g. to set a non-zero exit code in CI). */
export function anyFailed(rows: ResultRow[]): boolean {
  return rows.some((r) => (r.verdict ?? verdictFor(r)) === 'fail');
}
