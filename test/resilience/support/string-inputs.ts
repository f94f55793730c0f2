import { agreementTerms } from '../../factories/agreement.factory.js';
import { assessmentBody, caseBody, requestClaims } from '../../factories/exchange.factory.js';

/** Text PostgreSQL refuses, as a JSON string can carry it ("\u0000", "\ud800", "\udc00" on the wire). */
export const UNSTORABLE_STRINGS: { name: string; splice: (valid: string) => string }[] = [
  { name: 'NUL', splice: (v) => `${v.slice(0, 1)}\u0000${v.slice(1)}` },
  { name: 'lone high surrogate', splice: (v) => `${v}\ud800` },
  { name: 'lone low surrogate', splice: (v) => `\udc00${v}` },
];

/** The same in a URL: percent-encoded NUL, and bytes that are not UTF-8 (a surrogate's CESU-8 form, 0xFF). */
export const UNSTORABLE_URL_TEXT: { name: string; splice: (valid: string) => string }[] = [
  { name: 'NUL', splice: (v) => `${v.slice(0, 1)}%00${v.slice(1)}` },
  { name: 'encoded surrogate', splice: (v) => `${v}%ED%A0%80` },
  { name: 'invalid UTF-8', splice: (v) => `%FF${v}` },
];

/**
 * RFC 3339 date-times of a real calendar day whose instant lies outside years 1 to 9999 in UTC
 * (an offset moves a written 9999 or 0001 across the edge; year 0000 does not exist there):
 * `toISOString` writes them with six-digit years that PostgreSQL and the gateway cannot read back.
 */
export const OUT_OF_RANGE_INSTANTS = ['9999-12-31T23:59:59-01:00', '0001-01-01T00:00:00+01:00', '0000-06-01T00:00:00Z'];

/** Whether a valid input is a date-time (so an out-of-range instant is the same kind of input). */
export function isDateTime(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(v);
}

/** The value at `path` (as stringLeaves names it) in `value`. */
export function valueAt(value: unknown, path: string): unknown {
  let at = value as Record<string, unknown> | undefined;
  for (const s of path.match(/[^.[\]]+/g) ?? []) at = at?.[s] as Record<string, unknown> | undefined;
  return at;
}

/** Bytes that are not UTF-8, put inside a JSON string of an otherwise valid body. */
export const INVALID_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xc0, 0x80]),
];

/** A well-formed personal key id (no such key is registered: the route answers 404 once past the input checks). */
const PERSON_KID = `person-${'A'.repeat(43)}`;

export interface Fixtures {
  crn: string;
  agreementId: string;
  transferId: string;
  exchangeId: string;
  publicJwk: Record<string, unknown>;
  signatureJws: string;
}

export interface ValidRequest {
  /** Index into the test's principals (who may make this request). */
  as: 'admin' | 'nps' | 'police' | 'crc';
  path: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

/**
 * A request each route accepts (or would accept but for state), so that a hostile string put
 * into any one of its string inputs reaches as far as the gateway lets it. Keyed "METHOD /path"
 * as in /docs-json; the test fails for a route with a body or query that is missing here.
 */
export function validRequests(f: Fixtures): Record<string, ValidRequest> {
  const crn = { crn: f.crn };
  const reason = { reason: 'Governance review of the agreement' };
  return {
    'PUT /cases/{crn}': {
      as: 'nps',
      path: crn,
      body: caseBody({
        person: { givenName: 'Alex', familyName: 'Example', dateOfBirth: '1990-04-12', pncId: '2004/0012345A' },
      }),
    },
    'PUT /cases/{crn}/assessments/{assessmentId}': {
      as: 'nps',
      path: { ...crn, assessmentId: 'oasys-2' },
      body: assessmentBody(),
    },
    'GET /cases/{crn}': { as: 'nps', path: crn, query: { purpose: 'RISK_MANAGEMENT' } },
    'GET /cases/{crn}/summary': { as: 'police', path: crn, query: { purpose: 'IOM' } },
    'POST /cases/{crn}/transfers': {
      as: 'nps',
      path: crn,
      body: { toOrg: 'crc-durham-tees-valley', reason: 'RoSH reassessed LOW; CRC to manage' },
    },
    'POST /cases/{crn}/transfers/{id}/accept': { as: 'crc', path: { ...crn, id: f.transferId } },
    'POST /cases/{crn}/rectifications': {
      as: 'nps',
      path: crn,
      body: { reason: 'Tier mis-keyed at allocation', person: { givenName: 'Alex' }, tier: 'A1' },
    },
    'POST /cases/{crn}/erasure': { as: 'nps', path: crn, body: { reason: 'MAPPA entry in error', parts: ['mappa'] } },
    'PUT /cases/{crn}/restriction': { as: 'nps', path: crn, body: { reason: 'Accuracy contested' } },
    'POST /people/search': {
      as: 'police',
      path: {},
      body: { givenName: 'Alex', familyName: 'Example', dateOfBirth: '1990-04-12', purpose: 'IOM' },
    },
    'GET /cohorts/{force}/members': { as: 'police', path: { force: 'cleveland' }, query: { purpose: 'IOM' } },
    'GET /retention/report': { as: 'nps', path: {}, query: { at: new Date().toISOString() } },
    'POST /policies/explain': {
      as: 'nps',
      path: {},
      body: {
        principal: {
          org: 'police-cleveland',
          orgKind: 'POLICE',
          roles: ['iom-officer'],
          attrs: { force: 'cleveland' },
        },
        crn: f.crn,
        purpose: 'IOM',
      },
    },
    'POST /agreements': { as: 'nps', path: {}, body: agreementTerms() },
    'PUT /agreements/{id}': {
      as: 'nps',
      path: { id: f.agreementId },
      body: agreementTerms({ title: 'Amended title' }),
    },
    'POST /agreements/{id}/signatures': { as: 'nps', path: { id: f.agreementId }, body: { jws: f.signatureJws } },
    'POST /agreements/{id}/suspend': { as: 'nps', path: { id: f.agreementId }, body: reason },
    'POST /agreements/{id}/resume': { as: 'nps', path: { id: f.agreementId }, body: reason },
    'POST /agreements/{id}/terminate': { as: 'nps', path: { id: f.agreementId }, body: reason },
    'POST /exchange-requests/{id}/decision': {
      as: 'nps',
      path: { id: f.exchangeId },
      body: { decision: 'REFUSE', reason: 'Not proportionate to the stated purpose' },
    },
    'GET /exchange-requests': { as: 'police', path: {}, query: { status: 'PENDING', role: 'requester' } },
    'POST /organisations': {
      as: 'admin',
      path: {},
      body: {
        id: 'crc-cumbria',
        kind: 'CRC',
        name: 'Cumbria CRC',
        region: 'North West',
        jwks: { keys: [f.publicJwk] },
      },
    },
    'PUT /organisations/{id}/keys': { as: 'admin', path: { id: 'crc-northumbria' }, body: { keys: [f.publicJwk] } },
    'GET /organisations/{id}/keys': {
      as: 'admin',
      path: { id: 'nps-north-east' },
      query: { at: new Date().toISOString() },
    },
    'PUT /organisations/{id}/identity-provider': {
      as: 'nps',
      path: { id: 'nps-north-east' },
      body: {
        issuer: 'https://login.nps-north-east.example',
        clientId: 'probation-gateway',
        clientAuthentication: 'private_key_jwt',
        claimMapping: {
          rolesClaim: 'groups',
          roles: { 'Offender-Managers': 'offender-manager' },
          attributes: { team: 'team' },
          required: { org: 'nps-north-east' },
        },
      },
    },
    'GET /organisations/{id}/person-keys': { as: 'nps', path: { id: 'nps-north-east' } },
    'POST /organisations/{id}/person-keys/{kid}/approve': {
      as: 'nps',
      path: { id: 'nps-north-east', kid: PERSON_KID },
    },
    'POST /organisations/{id}/person-keys/{kid}/revoke': { as: 'nps', path: { id: 'nps-north-east', kid: PERSON_KID } },
    'GET /access-log': {
      as: 'nps',
      path: {},
      query: {
        crn: f.crn,
        action: 'case.read',
        org: 'nps-north-east',
        from: new Date(Date.now() - 86_400_000).toISOString(),
      },
    },
    'GET /access-log/export.csv': { as: 'nps', path: {}, query: { crn: f.crn } },
    'GET /subjects/{crn}/access-report': { as: 'nps', path: crn },
    'GET /access-log/entries/{index}/proof': { as: 'nps', path: { index: '0' }, query: { treeSize: '1' } },
    'GET /agreements': { as: 'nps', path: {}, query: { status: 'ACTIVE' } },
    'GET /access-log/consistency': { as: 'nps', path: {}, query: { from: '1', to: '2' } },
    'GET /log/checkpoint': { as: 'nps', path: {}, query: { size: '1' } },
    'POST /subscriptions': { as: 'nps', path: {}, body: { url: 'https://events.nps.example/hooks', types: ['*'] } },
    'GET /events': { as: 'nps', path: {}, query: { after: '0' } },
    'POST /breaches': {
      as: 'nps',
      path: {},
      body: {
        summary: 'Risk summary e-mailed to the wrong mailbox',
        discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
        severity: 'HIGH',
        crns: [f.crn],
        agreementIds: [f.agreementId],
        partnerOrgs: ['police-cleveland'],
      },
    },
    // An id no breach has: the body is validated before the breach is looked up.
    'POST /breaches/{id}/changes': {
      as: 'nps',
      path: { id: '00000000-0000-4000-8000-000000000001' },
      body: {
        note: 'Reported to the ICO by telephone',
        status: 'REPORTED',
        icoReportedAt: new Date().toISOString(),
        icoReference: 'ICO/00123456',
      },
    },
  };
}

/** The claims of a valid request document (POST /exchange-requests) from police-cleveland. */
export const validRequestClaims = (agreementId: string, crn: string) => requestClaims(agreementId, { crn });

/** Every string leaf of a JSON value, by path (`person.givenName`, `parties[0].org`). */
export function stringLeaves(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return [path];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
}

/** A deep copy of `value` with the string at `path` replaced by `f(old)`. */
export function replaceAt(value: unknown, path: string, f: (old: string) => string): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const steps = path.match(/[^.[\]]+/g) ?? [];
  let at: Record<string, unknown> = copy;
  for (const s of steps.slice(0, -1)) at = at[s] as Record<string, unknown>;
  const last = steps[steps.length - 1];
  at[last] = f(at[last] as string);
  return copy;
}
