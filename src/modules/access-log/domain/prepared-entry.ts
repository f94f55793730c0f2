/**
 * Turns an AccessLogEntryInput into the stored entry's canonical bytes.
 *
 * The index and timestamp are only known inside the sequencer's locked transaction, so the
 * expensive part (validation, normalisation, RFC 8785 serialisation) happens before, at append
 * time, and sealing under the lock is two string concatenations. This relies on RFC 8785 sorting
 * members by key: every key sorting before "index" goes in `head`, every key between "index" and
 * "timestamp" in `tail`, and "timestamp" sorts last. prepared-entry.spec.ts checks the result is
 * byte for byte canonicalJson(entry) of the full stored entry.
 */
import { randomFillSync } from 'node:crypto';
import type { AccessLogEntryInput, StoredAccessLogEntry } from './access-log-entry.js';

/** The indexed columns stored beside the bytes, for IG search. */
export interface EntryColumns {
  readonly action: string;
  readonly decision: 'ALLOW' | 'DENY';
  readonly actorOrg: string;
  readonly actorSub: string;
  readonly ownerOrg: string | null;
  readonly recipientOrg: string | null;
  readonly crn: string | null;
  readonly purpose: string | null;
  readonly breakGlass: boolean;
}

/** An entry validated and serialised except for its index and timestamp. */
export interface PreparedEntry {
  /** Canonical members before "index", from the opening brace, without a trailing comma. */
  readonly head: string;
  /** Canonical members between "index" and "timestamp", without braces. */
  readonly tail: string;
  readonly columns: EntryColumns;
  /**
   * Set when the entry is a change's log intent: the access_log_queue row that the change's
   * transaction committed. Integrating it deletes that row, once.
   */
  readonly intentId?: string;
}

/** Raised for an entry a caller built wrongly: a bug in the caller, never client input. */
export class InvalidAccessLogEntryError extends Error {
  constructor(field: string, problem: string) {
    super(`invalid access-log entry: ${field} ${problem}`);
    this.name = 'InvalidAccessLogEntryError';
  }
}

const ACTION = /^[a-z][a-z0-9._-]{0,63}$/;
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * Validates and normalises `input` and serialises everything but index and timestamp.
 * @throws InvalidAccessLogEntryError when the caller passed something that cannot be logged.
 */
export function prepareEntry(input: AccessLogEntryInput): PreparedEntry {
  if (input === null || typeof input !== 'object') throw new InvalidAccessLogEntryError('entry', 'must be an object');
  const actor = input.actor;
  if (actor === null || typeof actor !== 'object') throw new InvalidAccessLogEntryError('actor', 'must be an object');
  const resource = input.resource;
  if (resource === null || typeof resource !== 'object')
    throw new InvalidAccessLogEntryError('resource', 'must be an object');
  if (typeof input.action !== 'string' || !ACTION.test(input.action))
    throw new InvalidAccessLogEntryError('action', 'must be a dotted lowercase action name');
  if (input.decision !== 'ALLOW' && input.decision !== 'DENY')
    throw new InvalidAccessLogEntryError('decision', 'must be ALLOW or DENY');
  if (input.breakGlass !== undefined && typeof input.breakGlass !== 'boolean')
    throw new InvalidAccessLogEntryError('breakGlass', 'must be a boolean');

  const entry: Omit<StoredAccessLogEntry, 'index' | 'timestamp'> = {
    actor: {
      ...(actor.idp === undefined ? {} : { idp: text(actor.idp, 'actor.idp', 512) }),
      org: column(text(actor.org, 'actor.org', 64), 'actor.org'),
      sub: column(text(actor.sub, 'actor.sub', 256), 'actor.sub'),
      roles: list(actor.roles, 'actor.roles', 32, 64),
    },
    action: input.action,
    resource: { type: text(resource.type, 'resource.type', 64), id: text(resource.id, 'resource.id', 256) },
    crn: column(optionalText(input.crn, 'crn', 64), 'crn'),
    purpose: column(optionalText(input.purpose, 'purpose', 64), 'purpose'),
    reason: optionalText(input.reason, 'reason', 4000),
    decision: input.decision,
    reasons: list(input.reasons, 'reasons', 256, 512),
    agreement: agreementOf(input.agreement),
    ...(input.policyVersion ? { policyVersion: text(input.policyVersion, 'policyVersion', 128) } : {}),
    fieldsReleased: list(input.fieldsReleased ?? [], 'fieldsReleased', 1000, 128),
    fieldsWithheld: list(input.fieldsWithheld ?? [], 'fieldsWithheld', 1000, 128),
    recipientOrg: column(optionalText(input.recipientOrg, 'recipientOrg', 64), 'recipientOrg'),
    ownerOrg: column(optionalText(input.ownerOrg, 'ownerOrg', 64), 'ownerOrg'),
    requestId: text(input.requestId, 'requestId', 128),
    jti: optionalText(input.jti, 'jti', 128),
    breakGlass: input.breakGlass === true,
  };
  const salt = input.salt === undefined ? newSalt() : saltOf(input.salt);
  // Written out member by member in RFC 8785 order (keys sorted by UTF-16 code units, at every
  // level) rather than through the generic canonicalJson: this runs for every request on the
  // hot path. The strings are well-formed by now, so JSON.stringify's escaping is exactly RFC
  // 8785's (see canonical-json.ts); prepared-entry.spec.ts checks the result against
  // canonicalJson on random entries.
  const e = entry;
  const a = e.agreement;
  const head =
    `{"action":${str(e.action)},"actor":{${e.actor.idp === undefined ? '' : `"idp":${str(e.actor.idp)},`}"org":${str(e.actor.org)},"roles":${strings(e.actor.roles)},"sub":${str(e.actor.sub)}}` +
    `,"agreement":${a === null ? 'null' : `{"id":${str(a.id)},"version":${a.version}}`},"breakGlass":${e.breakGlass},"crn":${nullable(e.crn)}` +
    `,"decision":${str(e.decision)},"fieldsReleased":${strings(e.fieldsReleased)},"fieldsWithheld":${strings(e.fieldsWithheld)}`;
  const tail =
    `"jti":${nullable(e.jti)},"ownerOrg":${nullable(e.ownerOrg)}${e.policyVersion === undefined ? '' : `,"policyVersion":${str(e.policyVersion)}`}` +
    `,"purpose":${nullable(e.purpose)},"reason":${nullable(e.reason)}` +
    `,"reasons":${strings(e.reasons)},"recipientOrg":${nullable(e.recipientOrg)},"requestId":${str(e.requestId)}` +
    `,"resource":{"id":${str(e.resource.id)},"type":${str(e.resource.type)}},"salt":${str(salt)}`;
  return {
    head,
    tail,
    columns: {
      action: entry.action,
      decision: entry.decision,
      actorOrg: entry.actor.org,
      actorSub: entry.actor.sub,
      ownerOrg: entry.ownerOrg,
      recipientOrg: entry.recipientOrg,
      crn: entry.crn,
      purpose: entry.purpose,
      breakGlass: entry.breakGlass,
    },
  };
}

const SALT_BYTES = 16;
const SALT = /^[A-Za-z0-9+/]{22}==$/;
// Drawn from the CSPRNG a block at a time: one call per 256 entries rather than one per entry.
const saltPool = Buffer.alloc(SALT_BYTES * 256);
let saltNext = saltPool.length;

/** 16 bytes from node:crypto's CSPRNG, base64 (24 characters). */
function newSalt(): string {
  if (saltNext === saltPool.length) {
    randomFillSync(saltPool);
    saltNext = 0;
  }
  const salt = saltPool.toString('base64', saltNext, saltNext + SALT_BYTES);
  saltNext += SALT_BYTES;
  return salt;
}

function saltOf(v: unknown): string {
  if (typeof v !== 'string' || !SALT.test(v))
    throw new InvalidAccessLogEntryError('salt', 'must be 16 bytes in base64');
  return v;
}

const str = (s: string): string => JSON.stringify(s);
const nullable = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));
const strings = (list: readonly string[]): string => (list.length === 0 ? '[]' : `[${list.map(str).join(',')}]`);

/** A queued entry (an access_log_queue row's `entry`) as a PreparedEntry, or null when it is not one. */
export function preparedEntryOf(v: unknown): PreparedEntry | null {
  const e = v as { head?: unknown; tail?: unknown; columns?: unknown } | null;
  if (
    !e ||
    typeof e.head !== 'string' ||
    typeof e.tail !== 'string' ||
    typeof e.columns !== 'object' ||
    e.columns === null
  )
    return null;
  return { head: e.head, tail: e.tail, columns: e.columns as EntryColumns };
}

/** The stored entry's canonical JSON text: equal to canonicalJson of the full StoredAccessLogEntry. */
export function sealEntryText(prepared: PreparedEntry, index: number, timestamp: string): string {
  return `${prepared.head},"index":${index},${prepared.tail},"timestamp":${JSON.stringify(timestamp)}}`;
}

/** The exact bytes stored and hashed into the Merkle tree (UTF-8 of {@link sealEntryText}). */
export function sealEntry(prepared: PreparedEntry, index: number, timestamp: string): Buffer {
  return Buffer.from(sealEntryText(prepared, index, timestamp), 'utf8');
}

/**
 * Lone surrogates are not I-JSON and cannot be encoded as UTF-8; a client can smuggle one in
 * through a JSON-escaped token claim (`reason`), so they are replaced rather than refused: a
 * refusal here would turn a bad claim into a failed audit.
 */
function wellFormed(s: string): string {
  return isWellFormed(s) ? s : s.replace(LONE_SURROGATES, '\uFFFD');
}

// String.prototype.isWellFormed (ES2024, in Node 20) is much cheaper than the regular expression.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
function isWellFormed(s: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(s) : !LONE_SURROGATE.test(s);
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0)
    throw new InvalidAccessLogEntryError(field, 'must be a non-empty string');
  if (v.length > max) throw new InvalidAccessLogEntryError(field, `must be at most ${max} characters`);
  return wellFormed(v);
}

function optionalText(v: unknown, field: string, max: number): string | null {
  return v === undefined || v === null || v === '' ? null : text(v, field, max);
}

/**
 * A member also stored in a searchable text column, where PostgreSQL cannot hold NUL: refused
 * here, because in the database it would fail the whole batch, everyone else's entries with it.
 */
function column<T extends string | null>(v: T, field: string): T {
  if (v !== null && v.includes('\u0000')) throw new InvalidAccessLogEntryError(field, 'must not contain NUL');
  return v;
}

function list(v: unknown, field: string, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(v)) throw new InvalidAccessLogEntryError(field, 'must be an array of strings');
  if (v.length > maxItems) throw new InvalidAccessLogEntryError(field, `must have at most ${maxItems} items`);
  return v.map((item, i) => text(item, `${field}[${i}]`, maxLength));
}

function agreementOf(v: AccessLogEntryInput['agreement']): StoredAccessLogEntry['agreement'] {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || !Number.isSafeInteger(v.version) || v.version < 0)
    throw new InvalidAccessLogEntryError('agreement', 'must be { id, version } with an integer version');
  return { id: text(v.id, 'agreement.id', 128), version: v.version };
}
