import { csvRecords, type SubjectAccess } from '@modules/access-log/index.js';

/** Written by the access log's csvRecords, which also defuses formula-like free text (CSV injection). */
const COLUMNS = [
  'index',
  'timestamp',
  'organisation',
  'actor',
  'roles',
  'action',
  'purpose',
  'justification',
  'agreement',
  'decision',
  'reasons',
  'fieldsReleased',
  'fieldsWithheld',
  'recipientOrg',
  'breakGlass',
] as const;

export function subjectReportCsv(accesses: readonly SubjectAccess[]): string {
  const rows = accesses.map((a) => [
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
  ]);
  return csvRecords([COLUMNS, ...rows]);
}
