// Realistic synthetic access-log entries for the 10-million-entry benchmark, serialised exactly
// as the log does (prepareEntry + sealEntry) so the module's verifier accepts them, and encoded
// as PostgreSQL binary COPY tuples (no text parsing server-side).
import { Random } from '../../src/demo/synthetic/index.js';
import { prepareEntry, sealEntry, type PreparedEntry } from '../../src/modules/access-log/domain/prepared-entry.js';
import type { AccessLogEntryInput } from '../../src/modules/access-log/domain/access-log-entry.js';
import { leafHash } from '../../src/modules/access-log/domain/merkle/index.js';

export const ORGS = [
  'nps-north-east',
  'crc-durham-tees-valley',
  'crc-northumbria',
  'police-cleveland',
  'police-durham',
] as const;
const OWNERS = ['nps-north-east', 'crc-durham-tees-valley', 'crc-northumbria'] as const;
const ACTIONS: [string, string, string[]][] = [
  ['case.summary', 'IOM', ['tier', 'riskLevel', 'nextAppointment', 'offenderManager']],
  ['case.read', 'RISK_MANAGEMENT', ['name', 'dateOfBirth', 'tier', 'riskLevel', 'licenceConditions', 'address']],
  ['case.summary', 'MAPPA', ['tier', 'riskLevel', 'mappaLevel']],
  ['exchange.submit', 'SAFEGUARDING', []],
  ['case.write', 'RISK_MANAGEMENT', []],
];
const REASONS = [
  'IOM tasking: weekly review of cohort',
  'Supervision: risk review before appointment',
  'MAPPA level 2 meeting preparation',
  'Safeguarding referral follow-up',
];

/** CRN of person `i` (letter + six digits, as NPS issues them). */
export function crnOf(i: number): string {
  return `${String.fromCharCode(65 + (i % 26))}${String(100000 + (i % 900000)).padStart(6, '0')}`;
}

/** The actor `sub` of staff member `i` of `org`. */
export function subOf(org: string, i: number): string {
  return `${org}-staff-${i}`;
}

export interface EntryShape {
  people: number;
  staffPerOrg: number;
  /** ms of the first entry; entries are spread evenly up to `endMs`. */
  startMs: number;
  endMs: number;
  total: number;
}

/** The input of entry `index` (deterministic in the index). */
export function entryInput(index: number, shape: EntryShape, rnd: Random): AccessLogEntryInput {
  const actorOrg = ORGS[rnd.int(0, ORGS.length - 1)];
  const [action, purpose, fields] = ACTIONS[rnd.int(0, ACTIONS.length - 1)];
  const person = rnd.int(0, shape.people - 1);
  const owner = OWNERS[person % OWNERS.length];
  const allow = rnd.float() > 0.03;
  return {
    actor: {
      org: actorOrg,
      sub: subOf(actorOrg, rnd.int(0, shape.staffPerOrg - 1)),
      roles: actorOrg.startsWith('police') ? ['iom-officer'] : ['offender-manager'],
    },
    action,
    resource: { type: 'case', id: crnOf(person) },
    crn: crnOf(person),
    purpose,
    reason: REASONS[rnd.int(0, REASONS.length - 1)],
    decision: allow ? 'ALLOW' : 'DENY',
    reasons: allow
      ? [`policy:${action}:${purpose.toLowerCase()}`, `agreement:dsa-${owner}@v3`]
      : ['no agreement covers this purpose'],
    agreement: allow ? { id: `dsa-${owner}`, version: 3 } : null,
    fieldsReleased: allow ? fields : [],
    fieldsWithheld: allow && fields.length ? ['address'] : [],
    recipientOrg: actorOrg,
    ownerOrg: owner,
    requestId: `req-${index.toString(36).padStart(8, '0')}-${rnd.int(0, 0xffffff).toString(16)}`,
    jti: `jti-${index.toString(36)}`,
    breakGlass: rnd.float() < 0.001,
    salt: saltOf(index, rnd),
  };
}

/** A 16-byte salt for entry `index`, deterministic like the rest of it (the log draws random ones). */
function saltOf(index: number, rnd: Random): string {
  const b = Buffer.alloc(16);
  b.writeDoubleBE(index, 0);
  b.writeDoubleBE(rnd.float(), 8);
  return b.toString('base64');
}

/** Timestamp (ms) of entry `index`: evenly spread, never decreasing. */
export function timestampMsOf(index: number, shape: EntryShape): number {
  return shape.startMs + Math.floor(((shape.endMs - shape.startMs) * index) / Math.max(1, shape.total));
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
export const COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** Appends binary COPY tuples to a growing buffer. */
export class CopyWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.raw(COPY_HEADER);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  tuple(fields: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(fields, this.pos);
  }
  bigint(v: number): void {
    this.ensure(12);
    this.pos = this.buf.writeInt32BE(8, this.pos);
    this.pos = this.buf.writeBigInt64BE(BigInt(v), this.pos);
  }
  smallint(v: number): void {
    this.ensure(6);
    this.pos = this.buf.writeInt32BE(2, this.pos);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  timestamptz(ms: number): void {
    this.bigint((ms - PG_EPOCH_MS) * 1000);
  }
  bool(v: boolean): void {
    this.ensure(5);
    this.pos = this.buf.writeInt32BE(1, this.pos);
    this.buf[this.pos++] = v ? 1 : 0;
  }
  bytes(b: Uint8Array): void {
    this.ensure(4 + b.length);
    this.pos = this.buf.writeInt32BE(b.length, this.pos);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  text(s: string | null): void {
    if (s === null) {
      this.ensure(4);
      this.pos = this.buf.writeInt32BE(-1, this.pos);
      return;
    }
    const max = s.length * 3;
    this.ensure(4 + max);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4 + n;
  }
  /** The finished COPY stream (trailer added); the writer must not be used after. */
  finish(): Buffer {
    this.raw(COPY_TRAILER);
    return this.buf.subarray(0, this.pos);
  }
}

/** Column order of {@link writeEntryTuple}, for the COPY statement. */
export const ENTRY_COLUMNS =
  'idx, ts, leaf_hash, entry, action, decision, actor_org, actor_sub, owner_org, recipient_org, crn, purpose, break_glass';

/** Writes entry `index` as a COPY tuple and returns its leaf hash. */
export function writeEntryTuple(w: CopyWriter, index: number, prepared: PreparedEntry, tsMs: number): Buffer {
  const bytes = sealEntry(prepared, index, new Date(tsMs).toISOString());
  const leaf = leafHash(bytes);
  const c = prepared.columns;
  w.tuple(13);
  w.bigint(index);
  w.timestamptz(tsMs);
  w.bytes(leaf);
  w.bytes(bytes);
  w.text(c.action);
  w.text(c.decision);
  w.text(c.actorOrg);
  w.text(c.actorSub);
  w.text(c.ownerOrg);
  w.text(c.recipientOrg);
  w.text(c.crn);
  w.text(c.purpose);
  w.bool(c.breakGlass);
  return leaf;
}

/**
 * prepareEntry for the entries made here, by string templates: prepareEntry's RFC 8785
 * serialiser costs ~35 us an entry (see the profile in README's performance notes), which alone
 * would take 6 minutes of CPU for 10 million. Keys are written in RFC 8785 order; every string
 * here is ASCII without escapes, where JSON.stringify is RFC 8785. `seedLog` compares it with
 * prepareEntry on a sample of entries and stops at the first difference.
 */
export function fastPrepare(e: AccessLogEntryInput): PreparedEntry {
  const J = JSON.stringify;
  const a = e.agreement ? `{"id":${J(e.agreement.id)},"version":${e.agreement.version}}` : 'null';
  const list = (l: readonly string[] | undefined) => `[${(l ?? []).map((x) => J(x)).join(',')}]`;
  const opt = (v: string | null | undefined) => (v ? J(v) : 'null');
  const head =
    `{"action":${J(e.action)},"actor":{"org":${J(e.actor.org)},"roles":${list(e.actor.roles)},"sub":${J(e.actor.sub)}},"agreement":${a},` +
    `"breakGlass":${e.breakGlass === true},"crn":${opt(e.crn)},"decision":${J(e.decision)},"fieldsReleased":${list(e.fieldsReleased)},"fieldsWithheld":${list(e.fieldsWithheld)}`;
  const tail =
    `"jti":${opt(e.jti)},"ownerOrg":${opt(e.ownerOrg)},"purpose":${opt(e.purpose)},"reason":${opt(e.reason)},"reasons":${list(e.reasons)},` +
    `"recipientOrg":${opt(e.recipientOrg)},"requestId":${J(e.requestId)},"resource":{"id":${J(e.resource.id)},"type":${J(e.resource.type)}},"salt":${J(e.salt)}`;
  return {
    head,
    tail,
    columns: {
      action: e.action,
      decision: e.decision,
      actorOrg: e.actor.org,
      actorSub: e.actor.sub,
      ownerOrg: e.ownerOrg ?? null,
      recipientOrg: e.recipientOrg ?? null,
      crn: e.crn ?? null,
      purpose: e.purpose ?? null,
      breakGlass: e.breakGlass === true,
    },
  };
}

export { prepareEntry };
