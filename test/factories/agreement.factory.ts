import { CompactSign, type CryptoKey } from 'jose';
import type { TestGateway, TestOrg } from '../setup/test-app.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

const DAY = 86_400_000;

/** RFC 3339 UTC, `days` from now. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * DAY).toISOString();
}

/**
 * POST /agreements terms between nps-north-east (PROVIDER) and police-cleveland (RECIPIENT)
 * for IOM, valid from yesterday for a year. Override any member.
 */
export function agreementTerms(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Cleveland IOM information sharing agreement',
    parties: [
      { org: 'nps-north-east', role: 'PROVIDER' },
      { org: 'police-cleveland', role: 'RECIPIENT' },
    ],
    purposes: ['IOM'],
    dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH'],
    lawfulBasis: ['Data Protection Act 2018 Part 3', 'Crime and Disorder Act 1998 s.115'],
    retentionDays: 730,
    validFrom: daysFromNow(-1),
    validTo: daysFromNow(365),
    reviewBy: daysFromNow(180),
    ...over,
  };
}

export const signatory = (org: TestOrg, sub = `user:${org.id}-signatory`) => ({ org, roles: ['dsa-signatory'], sub });

/** A compact JWS over exactly `bytes`, with the organisation's test key (or another key and kid). */
export async function signBytes(
  bytes: string | Uint8Array,
  key: { privateKey: CryptoKey; kid: string },
  alg = 'ES256',
): Promise<string> {
  const payload = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return new CompactSign(payload).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);
}

/** Fetches the current document as its signatory would, signs it with the organisation's key and posts the signature. */
export async function signAs(gw: TestGateway, id: string, org: TestOrg) {
  const doc = await gw.call('GET', `/agreements/${id}/document`, signatory(org));
  if (doc.status !== 200) throw new Error(`document: ${doc.status} ${doc.text}`);
  return gw.call('POST', `/agreements/${id}/signatures`, signatory(org), { jws: await signBytes(doc.text, org.key) });
}

/** Drafts the terms as the first party's signatory; returns the id. */
export async function draft(gw: TestGateway, terms: Record<string, unknown> = agreementTerms()): Promise<string> {
  const first = (terms.parties as { org: string }[])[0].org;
  const res = await gw.call('POST', '/agreements', signatory(gw.orgs[first]), terms);
  if (res.status !== 201) throw new Error(`draft: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Drafts and has every party sign: an ACTIVE agreement. */
export async function activeAgreement(
  gw: TestGateway,
  terms: Record<string, unknown> = agreementTerms(),
): Promise<string> {
  const id = await draft(gw, terms);
  for (const p of terms.parties as { org: string }[]) {
    const res = await signAs(gw, id, gw.orgs[p.org]);
    if (res.status !== 201) throw new Error(`sign ${p.org}: ${res.status} ${res.text}`);
  }
  return id;
}

/** The access-log entries about agreements, oldest first, decoded. */
export async function agreementLogEntries(gw: TestGateway, id?: string): Promise<StoredAccessLogEntry[]> {
  const rows = await gw.sql<{ e: StoredAccessLogEntry }>(
    `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE action LIKE 'agreement.%' ORDER BY idx`,
  );
  return rows.map((r) => r.e).filter((e) => id === undefined || e.resource.id === id);
}

/** Terms of a CRC-NPS risk-management agreement, both directions (nps-north-east and crc-durham-tees-valley as BOTH). */
export function riskManagementTerms(over: Record<string, unknown> = {}): Record<string, unknown> {
  return agreementTerms({
    title: 'CRC-NPS risk management',
    parties: [
      { org: 'nps-north-east', role: 'BOTH' },
      { org: 'crc-durham-tees-valley', role: 'BOTH' },
    ],
    purposes: ['RISK_MANAGEMENT', 'RECALL', 'COURT_REPORT'],
    dataCategories: [
      'IDENTITY',
      'RISK_SUMMARY',
      'ROSH',
      'NEEDS',
      'RISK_MANAGEMENT_PLAN',
      'LICENCE_CONDITIONS',
      'MAPPA',
    ],
    lawfulBasis: ['Offender Management Act 2007 s.14'],
    ...over,
  });
}
