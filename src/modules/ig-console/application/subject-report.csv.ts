import type { SubjectAccess } from '@modules/access-log/index.js';

const COLUMNS = ['index', 'timestamp', 'organisation', 'actor', 'roles', 'action', 'purpose', 'justification', 'agreement', 'decision', 'reasons', 'fieldsReleased', 'fieldsWithheld', 'recipientOrg', 'breakGlass'] as const;

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is
 * prefixed with a quote: reasons and justifications are free text from partner tokens.
 */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function subjectReportCsv(accesses: readonly SubjectAccess[]): string {
  const rows = accesses.map((a) =>
    [
      String(a.index),
      a.timestamp,
      a.org,
      a.actor,
      a.roles.join(' '),
      a.action,
      a.purpose ?? '',
      a.reason ?? '',
      a.agreement ? `${a.agreement.id}@v${a.agreement.version}` : '',
      a.decision,
      a.reasons.join('; '),
      a.fieldsReleased.join(' '),
      a.fieldsWithheld.join(' '),
      a.recipientOrg ?? '',
      a.breakGlass ? 'yes' : 'no',
    ]
      .map(cell)
      .join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
