/**
 * Turns an AccessLogEntryInput into the stored entry's canonical bytes.
 *
 * The index and timestamp are only known inside the sequencer's locked transaction, so the
 * expensive part (validation, normalisation, RFC 8785 serialisation) happens before, at append
 * time, and sealing under the lock is two string concatenations. This relies on RFC 8785 sorting
 * members by key: every key sorting before "index" goes in `head`, every key between "index" and
 * "timestamp" in `tail`, and "timestamp" sorts last. prepared-entry.spec.ts checks the result is
 * byte for byte canonicalJson(entry).
 */
import { canonicalJson } from '@shared/crypto/canonical-json.js';
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
  if (resource === null || typeof resource !== 'object') throw new InvalidAccessLogEntryError('resource', 'must be an object');
  if (typeof input.action !== 'string' || !ACTION.test(input.action)) throw new InvalidAccessLogEntryError('action', 'must be a dotted lowercase action name');
  if (input.decision !== 'ALLOW' && input.decision !== 'DENY') throw new InvalidAccessLogEntryError('decision', 'must be ALLOW or DENY');
  if (input.breakGlass !== undefined && typeof input.breakGlass !== 'boolean') throw new InvalidAccessLogEntryError('breakGlass', 'must be a boolean');

  const entry: Omit<StoredAccessLogEntry, 'index' | 'timestamp'> = {
    actor: { org: text(actor.org, 'actor.org', 64), sub: text(actor.sub, 'actor.sub', 256), roles: list(actor.roles, 'actor.roles', 32, 64) },
    action: input.action,
    resource: { type: text(resource.type, 'resource.type', 64), id: text(resource.id, 'resource.id', 256) },
    crn: optionalText(input.crn, 'crn', 64),
    purpose: optionalText(input.purpose, 'purpose', 64),
    reason: optionalText(input.reason, 'reason', 4000),
    decision: input.decision,
    reasons: list(input.reasons, 'reasons', 256, 512),
    agreement: agreementOf(input.agreement),
    fieldsReleased: list(input.fieldsReleased ?? [], 'fieldsReleased', 1000, 128),
    fieldsWithheld: list(input.fieldsWithheld ?? [], 'fieldsWithheld', 1000, 128),
    recipientOrg: optionalText(input.recipientOrg, 'recipientOrg', 64),
    ownerOrg: optionalText(input.ownerOrg, 'ownerOrg', 64),
    requestId: text(input.requestId, 'requestId', 128),
    jti: optionalText(input.jti, 'jti', 128),
    breakGlass: input.breakGlass === true,
  };
  const head = canonicalJson({
    action: entry.action,
    actor: entry.actor,
    agreement: entry.agreement,
    breakGlass: entry.breakGlass,
    crn: entry.crn,
    decision: entry.decision,
    fieldsReleased: entry.fieldsReleased,
    fieldsWithheld: entry.fieldsWithheld,
  });
  const tail = canonicalJson({
    jti: entry.jti,
    ownerOrg: entry.ownerOrg,
    purpose: entry.purpose,
    reason: entry.reason,
    reasons: entry.reasons,
    recipientOrg: entry.recipientOrg,
    requestId: entry.requestId,
    resource: entry.resource,
  });
  return {
    head: head.slice(0, -1),
    tail: tail.slice(1, -1),
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
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\uFFFD') : s;
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0) throw new InvalidAccessLogEntryError(field, 'must be a non-empty string');
  if (v.length > max) throw new InvalidAccessLogEntryError(field, `must be at most ${max} characters`);
  return wellFormed(v);
}

function optionalText(v: unknown, field: string, max: number): string | null {
  return v === undefined || v === null || v === '' ? null : text(v, field, max);
}

function list(v: unknown, field: string, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(v)) throw new InvalidAccessLogEntryError(field, 'must be an array of strings');
  if (v.length > maxItems) throw new InvalidAccessLogEntryError(field, `must have at most ${maxItems} items`);
  return v.map((item, i) => text(item, `${field}[${i}]`, maxLength));
}

function agreementOf(v: AccessLogEntryInput['agreement']): StoredAccessLogEntry['agreement'] {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || !Number.isSafeInteger(v.version) || v.version < 0) throw new InvalidAccessLogEntryError('agreement', 'must be { id, version } with an integer version');
  return { id: text(v.id, 'agreement.id', 128), version: v.version };
}
