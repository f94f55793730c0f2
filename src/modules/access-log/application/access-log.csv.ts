import { stringify, type Options } from 'csv-stringify/sync';
import type { EntryView } from '../domain/entry-view.js';

/** A CSV cell before formatting: null is an empty cell. */
export type CsvCell = string | number | boolean | null;

const COLUMNS: [string, (e: EntryView) => CsvCell][] = [
  ['index', (e) => e.index],
  ['timestamp', (e) => e.timestamp],
  ['actorOrg', (e) => e.actor.org],
  ['actorSub', (e) => e.actor.sub],
  ['actorRoles', (e) => e.actor.roles.join(' ')],
  ['action', (e) => e.action],
  ['resourceType', (e) => e.resource.type],
  ['resourceId', (e) => e.resource.id],
  ['crn', (e) => e.crn],
  ['purpose', (e) => e.purpose],
  ['reason', (e) => e.reason],
  ['decision', (e) => e.decision],
  ['reasons', (e) => e.reasons.join('; ')],
  ['agreementId', (e) => e.agreement?.id ?? null],
  ['agreementVersion', (e) => e.agreement?.version ?? null],
  ['fieldsReleased', (e) => e.fieldsReleased.join(' ')],
  ['fieldsWithheld', (e) => e.fieldsWithheld.join(' ')],
  ['recipientOrg', (e) => e.recipientOrg],
  ['ownerOrg', (e) => e.ownerOrg],
  ['requestId', (e) => e.requestId],
  ['jti', (e) => e.jti],
  ['breakGlass', (e) => e.breakGlass],
  // true: the row is the reviewer's projection of the entry (see viewEntry), not the stored entry.
  ['redacted', (e) => e.redacted === true],
  // Set when the entry's body was pruned under the retention schedule: when (RFC 3339); the row keeps only what was not personal data.
  ['prunedOn', (e) => (e.pruned ? (e.pruned.on ?? 'unknown') : null)],
];

const OPTIONS: Options = {
  record_delimiter: 'windows',
  // Giving record_delimiter turns this off by default: a cell holding a line break must still be quoted.
  quote_record_delimiter: true,
  // A reviewer opens the file in a spreadsheet: a text cell starting with = + - @ tab or CR (or their
  // full-width forms) would run as a formula (CSV injection), so it gets a leading quote.
  escape_formulas: true,
  cast: { boolean: (v) => String(v) },
};

/**
 * RFC 4180 records, each ending in CRLF: a cell with a quote, comma or line break is quoted, and a
 * text cell a spreadsheet would run as a formula is defused. Shared with the IG console's subject access report.
 */
export function csvRecords(records: readonly (readonly CsvCell[])[]): string {
  return stringify(records as CsvCell[][], OPTIONS);
}

export function csvHeader(): string {
  return csvRecords([COLUMNS.map(([name]) => name)]);
}

/** One record per entry. */
export function csvRows(entries: readonly EntryView[]): string {
  return csvRecords(entries.map((e) => COLUMNS.map(([, get]) => get(e))));
}
