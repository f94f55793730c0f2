import { randomUUID } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import type { TestGateway, TestOrg } from '../setup/test-app.js';
import { creatorOf } from './case.factory.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

type Json = Record<string, unknown>;

/** PUT /cases/{crn} body of a case managed by nps-north-east; override any member. */
export function caseBody(over: Json = {}): Json {
  return {
    person: { givenName: 'Alex', familyName: 'Example', dateOfBirth: '1990-04-12', pncId: '2004/0012345A' },
    managingOrg: 'nps-north-east',
    tier: 'B2',
    rosh: { overall: 'HIGH', children: 'MEDIUM', public: 'HIGH', knownAdult: 'MEDIUM', staff: 'LOW' },
    mappa: null,
    iom: null,
    licenceConditions: ['Reside at approved premises', 'No contact with the victim'],
    restricted: false,
    ...over,
  };
}

const need = (severity: string) => ({
  severity,
  linkedToHarm: severity === 'SIGNIFICANT',
  linkedToReoffending: severity !== 'NONE',
  notes: 'practitioner note',
});

export function assessmentBody(over: Json = {}): Json {
  return {
    completedAt: new Date(Date.now() - 86_400_000).toISOString(),
    assessor: 'PO J. Bloggs',
    scores: { ogrs3TwoYear: 78, ogp: 61, ovp: 34, rsr: 5.2 },
    rosh: { overall: 'HIGH', children: 'MEDIUM', public: 'HIGH', knownAdult: 'MEDIUM', staff: 'LOW' },
    needs: {
      accommodation: need('SIGNIFICANT'),
      educationTrainingEmployability: need('SOME'),
      finance: need('SOME'),
      relationships: need('NONE'),
      lifestyleAssociates: need('SIGNIFICANT'),
      drugMisuse: need('SIGNIFICANT'),
      alcoholMisuse: need('NONE'),
      emotionalWellbeing: need('SOME'),
      thinkingBehaviour: need('SOME'),
      attitudes: need('SOME'),
    },
    riskManagementPlan: {
      summary: 'Weekly reporting, drug testing',
      actions: ['Refer to drug service', 'Home visits'],
    },
    sensitive: { health: 'Diagnosed condition (synthetic)', victims: 'Former partner (synthetic)' },
    ...over,
  };
}

/** Creates a case with one assessment: created by the allocating authority, assessed by its managing organisation's system. */
export async function aCase(gw: TestGateway, crn: string, over: Json = {}): Promise<void> {
  const body = caseBody(over);
  const system = { org: gw.orgs[body.managingOrg as string], roles: ['system'], sub: 'system:case-management' };
  // Created by the allocating authority (the NPS, for a CRC case); assessed by the manager.
  const creator = { ...system, org: gw.orgs[creatorOf(body.managingOrg as string)] };
  const put = await gw.call('PUT', `/cases/${crn}`, creator, body);
  if (put.status !== 201 && put.status !== 200) throw new Error(`case ${crn}: ${put.status} ${put.text}`);
  const a = await gw.call('PUT', `/cases/${crn}/assessments/oasys-1`, system, assessmentBody());
  if (a.status !== 201 && a.status !== 200) throw new Error(`assessment ${crn}: ${a.status} ${a.text}`);
}

/** The claims of a request document from police-cleveland to nps-north-east; override any member. */
export function requestClaims(agreementId: string, over: Json = {}): Json {
  return {
    iss: 'police-cleveland',
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    provider: 'nps-north-east',
    crn: 'X100001',
    purpose: 'IOM',
    dataCategories: ['ROSH'],
    justification: 'Offender arrested last night; IOM panel needs current risk',
    urgency: 'ROUTINE',
    agreementId,
    ...over,
  };
}

/** A compact request JWS signed by `org`'s test key (or another key, kid, typ, alg). */
export async function requestJws(
  org: TestOrg,
  claims: Json,
  o: { key?: CryptoKey; kid?: string; header?: Json } = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', kid: o.kid ?? org.key.kid, typ: 'exchange-request+jwt', ...o.header })
    .sign(o.key ?? org.key.privateKey);
}

/** POST /exchange-requests with an application/jose body, the bearer token from `bearer`. */
export async function submit(gw: TestGateway, body: string, bearer: { org: TestOrg; roles?: string[]; sub?: string }) {
  const opts = { roles: ['iom-officer'], sub: 'user:pc-101', reason: 'IOM panel', ...bearer };
  const token = await gw.token('POST', '/exchange-requests', opts, body);
  return gw.http
    .post('/exchange-requests')
    .set('authorization', `Bearer ${token}`)
    .set('content-type', 'application/jose')
    .send(body);
}

/** The access-log entries of the exchange (optionally of one request), oldest first, decoded. */
export async function exchangeLogEntries(gw: TestGateway, requestId?: string): Promise<StoredAccessLogEntry[]> {
  const rows = await gw.sql<{ e: StoredAccessLogEntry }>(
    `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE action LIKE 'exchange.%' ORDER BY idx`,
  );
  return rows.map((r) => r.e).filter((e) => requestId === undefined || e.resource.id === requestId);
}
