/**
 * What a caller hands to AccessLogWriter.append: one access decision or governance action, with
 * what the Data Protection Act 2018 s.62 asks of a law-enforcement log (who, when, what, why,
 * to whom) and what IG staff need. Never case content: field NAMES only.
 */
export interface AccessLogEntryInput {
  /**
   * Acting organisation, person or system, and their effective roles; `idp` is the issuer of the
   * identity provider a signed-in person came through (absent for signed requests).
   */
  actor: { org: string; sub: string; roles: readonly string[]; idp?: string };
  /** e.g. case.read, case.summary, case.write, agreement.sign, exchange.submit, access-log.read */
  action: string;
  /** The resource acted on: e.g. { type: 'case', id: 'X123456' }, { type: 'agreement', id } */
  resource: { type: string; id: string };
  /** CRN of the person concerned, when there is one. */
  crn?: string | null;
  purpose?: string | null;
  /** The actor's justification (token `reason`). */
  reason?: string | null;
  decision: 'ALLOW' | 'DENY';
  /** Why: policy rule ids, `agreement:<id>@v<version>`, or the reasons for a denial. */
  reasons: readonly string[];
  agreement?: { id: string; version: number } | null;
  /** The content hash of the policy files in force (`sha256:<hex>`); AccessLogWriter fills it in. */
  policyVersion?: string | null;
  fieldsReleased?: readonly string[];
  fieldsWithheld?: readonly string[];
  /** Organisation that receives the data (usually the actor's). */
  recipientOrg?: string | null;
  /** Organisation whose data this is (the managing/providing organisation): its IG sees the entry. */
  ownerOrg?: string | null;
  requestId: string;
  jti?: string | null;
  breakGlass?: boolean;
  /**
   * The entry's salt (see StoredAccessLogEntry.salt): left out, prepareEntry draws 16 random
   * bytes. Only code that must reproduce an entry's bytes (the log benchmark's seeder) passes one.
   */
  salt?: string;
}

/** What append() resolves with once the entry is durable. */
export interface AccessLogReceipt {
  index: number;
  /** base64 RFC 9162 leaf hash of the entry's canonical bytes */
  leafHash: string;
  /** RFC 3339 time recorded in the entry */
  timestamp: string;
}

/**
 * An entry as stored and served by GET /access-log/entries/{index}. Its RFC 8785 canonical JSON
 * bytes are the Merkle leaf. Every member is always present (absent optionals become null or
 * []), except `policyVersion` and `salt`: added later, they are present only in entries written
 * since, so older leaves are unchanged.
 */
export interface StoredAccessLogEntry {
  index: number;
  /** RFC 3339 UTC with milliseconds; assigned when the entry is sequenced, non-decreasing with index. */
  timestamp: string;
  /** `idp` only where a person signed in through their organisation's identity provider acted. */
  actor: { org: string; sub: string; roles: string[]; idp?: string };
  action: string;
  resource: { type: string; id: string };
  crn: string | null;
  purpose: string | null;
  reason: string | null;
  decision: 'ALLOW' | 'DENY';
  reasons: string[];
  agreement: { id: string; version: number } | null;
  /** Content hash of the policy files that were in force; absent in entries written before it existed. */
  policyVersion?: string;
  fieldsReleased: string[];
  fieldsWithheld: string[];
  recipientOrg: string | null;
  ownerOrg: string | null;
  requestId: string;
  jti: string | null;
  breakGlass: boolean;
  /**
   * 16 random bytes (base64), in every entry written since it was added (absent from older ones,
   * whose leaves are unchanged). The leaf hash is published (tiles, receipts, redacted views),
   * and a redacted view hides members that take only a few values (the reasons, the owner): with
   * no secret in the leaf, anyone could find them by hashing each guess. The salt is shown only
   * with the stored entry, never in a projection.
   */
  salt?: string;
}
