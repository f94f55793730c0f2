import type { StoredAccessLogEntry } from './access-log-entry.js';
import type { LogScope } from './log-scope.js';

/**
 * The first reason of every entry about a decision the caller was answered "not found" for:
 * a restricted case, a case outside every relationship, and a CRN that does not exist alike.
 * Written at append time (it is part of the hashed bytes, so it cannot be added or removed
 * later without breaking the tree); the details follow it for the data's owner.
 */
export const NOT_FOUND = 'not_found';

/** Reasons of a "not found" decision: the marker, then the details only the owner and operator see. */
export function hiddenReasons(details: readonly string[]): string[] {
  return [NOT_FOUND, ...details];
}

/** Whether an entry records a decision whose answer was "not found" (see NOT_FOUND). */
export function isHidden(e: Pick<StoredAccessLogEntry, 'reasons'>): boolean {
  return e.reasons[0] === NOT_FOUND;
}

/**
 * When an entry's body was pruned under the log's retention schedule, and the cutoff it was
 * older than; both null for a body missing outside every recorded pruning (damage, which
 * log:verify reports).
 */
export interface Pruning {
  /** RFC 3339: when the pruning ran. */
  on: string | null;
  /** RFC 3339: entries older than this were due. */
  cutoff: string | null;
}

/**
 * An entry as one reviewer may see it. `redacted: true` marks a projection: its bytes are not
 * the leaf, so it carries the stored entry's `leafHash` (base64), whose inclusion still verifies.
 * `pruned` marks an entry whose body is gone (see prunedView).
 */
export type EntryView = StoredAccessLogEntry & { redacted?: true; leafHash?: string; pruned?: Pruning };

/** What the log keeps of an entry once its body is pruned: no personal data. */
export interface PrunedEntry {
  index: number;
  timestamp: string;
  action: string;
  decision: 'ALLOW' | 'DENY';
  actorOrg: string;
  recipientOrg: string | null;
  breakGlass: boolean;
  /** base64 RFC 9162 leaf hash, kept for ever. */
  leafHash: string;
  pruning: Pruning;
}

/**
 * A pruned entry as every reviewer sees it: its index, time, action, decision, acting and
 * receiving organisations, and `pruned`; every member that held personal data (the actor's
 * identity, resource, CRN, purpose, justification, reasons, fields, request and token ids) is
 * empty, and so is ownerOrg (for a "not found" entry the projection would hide it, and which
 * entries those were is gone with the bodies). Marked `redacted` with the leaf hash, so its
 * inclusion still verifies.
 */
export function prunedView(p: PrunedEntry): EntryView {
  return {
    index: p.index,
    timestamp: p.timestamp,
    actor: { org: p.actorOrg, sub: '', roles: [] },
    action: p.action,
    resource: { type: '', id: '' },
    crn: null,
    purpose: null,
    reason: null,
    decision: p.decision,
    reasons: [],
    agreement: null,
    fieldsReleased: [],
    fieldsWithheld: [],
    recipientOrg: p.recipientOrg,
    ownerOrg: null,
    requestId: '',
    jti: null,
    breakGlass: p.breakGlass,
    redacted: true,
    leafHash: p.leafHash,
    pruned: p.pruning,
  };
}

/** Whether `scope` sees the entry as stored: the operator, and the organisation whose data it is. */
export function seesStored(scope: LogScope, e: Pick<StoredAccessLogEntry, 'ownerOrg' | 'reasons'>): boolean {
  return scope.org === null || !isHidden(e) || e.ownerOrg === scope.org;
}

/**
 * The one viewer-scoped projection of log entries, used by every reader (search, CSV, entry
 * reads, subject access reports, the IG console and what it derives: flags, counts).
 *
 * A "not found" entry seen by anyone but the owner and the operator keeps only what the actor
 * itself sent or was told (who, when, action, resource, CRN, purpose, reason, decision,
 * recipient, break-glass) and loses what would tell a restricted case, a case outside every
 * relationship and an unknown CRN apart: ownerOrg is null, reasons are ['not_found'], no
 * agreement, no fields, and no salt (see StoredAccessLogEntry.salt). The three give the same view, and every such entry is marked
 * `redacted`, unknown CRNs included, so the marker itself tells nothing.
 *
 * Filters a non-owner can use must therefore only test members this projection keeps unchanged
 * (see PROJECTION_STABLE_FILTERS).
 */
export function viewEntry(scope: LogScope, e: StoredAccessLogEntry, leafHashB64: () => string): EntryView {
  if (seesStored(scope, e)) return e;
  // Without the salt, the published leaf hash cannot be matched against guesses of what is hidden.
  const { salt: _hidden, ...kept } = e;
  return {
    ...kept,
    reasons: [NOT_FOUND],
    agreement: null,
    fieldsReleased: [],
    fieldsWithheld: [],
    ownerOrg: null,
    redacted: true,
    leafHash: leafHashB64(),
  };
}

/**
 * The filter members of a log search, all of which test members viewEntry keeps as stored. A
 * filter on ownerOrg, reasons, agreement or fields would match a "not found" entry by what its
 * projection hides; adding one needs a predicate that applies the projection in SQL first.
 */
export const PROJECTION_STABLE_FILTERS = [
  'crn',
  'org',
  'actor',
  'purpose',
  'decision',
  'action',
  'from',
  'to',
] as const;
