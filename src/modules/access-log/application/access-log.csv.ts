import type { EntryView } from '../domain/entry-view.js';

const COLUMNS: [string, (e: EntryView) => string | number | boolean | null][] = [
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
];

export function csvHeader(): string {
  return COLUMNS.map(([name]) => name).join(',') + '\r\n';
}

/** One RFC 4180 record. */
export function csvRow(e: EntryView): string {
  return COLUMNS.map(([, get]) => csvCell(get(e))).join(',') + '\r\n';
}

/**
 * One CSV cell (RFC 4180): null is empty; a cell with a quote, comma or line break is quoted, and
 * free text a spreadsheet would run as a formula gets a leading quote.
 * Shared with the IG console's subject access report.
 */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  // A reviewer opens this in a spreadsheet: a free-text cell (a token's reason) starting with
  // = + - @ would run as a formula (CSV injection), so it is defused with a leading quote.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
