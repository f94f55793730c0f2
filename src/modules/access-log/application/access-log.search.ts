import { Injectable } from '@nestjs/common';
import { logActor, type Principal } from '@shared/auth/principal.js';
import type { AccessLogEntryInput, StoredAccessLogEntry } from '../domain/access-log-entry.js';
import { prunedView, seesStored, viewEntry, type EntryView } from '../domain/entry-view.js';
import { inScope, scopeOf, type LogScope } from '../domain/log-scope.js';
import { leafHash } from '../domain/merkle/index.js';
import { AccessLogReader, type AccessLogFilter, type EntryRow } from '../domain/access-log-reader.port.js';
import { AccessLogWriter } from './access-log.writer.js';
import { csvHeader, csvRows } from './access-log.csv.js';

export interface AccessLogPage {
  entries: EntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const EXPORT_BATCH = 1000;

/** One entry as a reviewer may read it: the stored bytes, or a projection of them (see viewEntry, prunedView). */
export type EntryRead = { kind: 'stored'; bytes: Buffer } | { kind: 'redacted'; view: EntryView };

/**
 * What IG reviewers (and, through index.ts, an IG console) may read of the log. Every read is
 * scoped to the reviewer's organisation (the operator's IG sees all), passes each entry through
 * the one viewer-scoped projection (viewEntry), and is itself logged, before anything is returned.
 */
@Injectable()
export class AccessLogSearch {
  constructor(
    private readonly repo: AccessLogReader,
    private readonly writer: AccessLogWriter,
  ) {}

  /** Newest first; `cursor` is the nextCursor of the previous page. */
  async search(
    p: Principal,
    filter: AccessLogFilter,
    page: { cursor?: number; limit: number },
  ): Promise<AccessLogPage> {
    const rows = await this.repo.search(scopeOf(p), filter, page.limit + 1, page.cursor);
    const more = rows.length > page.limit;
    const shown = more ? rows.slice(0, page.limit) : rows;
    await this.writer.append(
      readEntry(p, 'access-log.search', { type: 'access-log', id: 'search' }, filter, [`returned:${shown.length}`]),
    );
    return {
      entries: shown.map((r) => view(scopeOf(p), r)),
      nextCursor: more ? String(shown[shown.length - 1].index) : null,
    };
  }

  /**
   * One entry: the stored bytes, exactly as hashed into the tree, when the reader sees it as
   * stored; its projection (with the leaf hash) when not; null when it does not exist or lies
   * outside the reader's scope (the two are indistinguishable to the caller).
   */
  async entry(p: Principal, index: number): Promise<EntryRead | null> {
    const scope = scopeOf(p);
    const row = await this.repo.entry(index);
    const visible = row !== null && inScope(scope, row);
    const stored =
      visible && row.bytes !== null ? (JSON.parse(row.bytes.toString('utf8')) as StoredAccessLogEntry) : null;
    const whole = stored !== null && seesStored(scope, stored);
    await this.writer.append({
      ...readEntry(
        p,
        'access-log.read',
        { type: 'access-log-entry', id: String(index) },
        {},
        visible ? [] : ['not found or outside scope'],
      ),
      decision: visible ? 'ALLOW' : 'DENY',
      // The read of a projected entry must not name the owner the projection hides.
      ownerOrg: whole && row ? row.ownerOrg : null,
    });
    if (!visible || row === null) return null;
    if (row.pruned) return { kind: 'redacted', view: prunedView(row.pruned) };
    if (stored === null) return null;
    return whole
      ? { kind: 'stored', bytes: row.bytes }
      : { kind: 'redacted', view: viewEntry(scope, stored, () => row.leafHash.toString('base64')) };
  }

  /**
   * Entries in the reader's scope (newest first, at most `limit`) or one entry by index, WITHOUT
   * logging the read: only for checks inside an action that is itself logged (that a misuse flag
   * a reviewer marks exists in their view), whose result is never shown to the caller. Pruned
   * entries are left out: nothing is left of them to check.
   */
  async entriesForCheck(p: Principal, filter: AccessLogFilter, limit: number): Promise<StoredAccessLogEntry[]> {
    const rows = await this.repo.search(scopeOf(p), filter, limit);
    return rows.flatMap((r) =>
      r.bytes === null ? [] : [JSON.parse(r.bytes.toString('utf8')) as StoredAccessLogEntry],
    );
  }

  async entryForCheck(p: Principal, index: number): Promise<StoredAccessLogEntry | null> {
    const row = await this.repo.entry(index);
    return row !== null && row.bytes !== null && inScope(scopeOf(p), row)
      ? (JSON.parse(row.bytes.toString('utf8')) as StoredAccessLogEntry)
      : null;
  }

  /**
   * CSV of every matching entry, newest first, fetched in batches as the consumer reads (never
   * the whole result in memory). The export is logged before the first row is produced, and the
   * first batch is read before this resolves: a query that fails at once is answered with its
   * error status, not with a 200 whose body stops after the header line.
   */
  async exportCsv(p: Principal, filter: AccessLogFilter): Promise<AsyncIterable<string>> {
    const receipt = await this.writer.append(
      readEntry(p, 'access-log.export', { type: 'access-log', id: 'export.csv' }, filter, []),
    );
    const repo = this.repo;
    const scope = scopeOf(p);
    // Entries logged after the export started (including its own) are left out, so a
    // reviewer exporting twice gets a stable prefix.
    const first = await repo.search(scope, filter, EXPORT_BATCH, receipt.index);
    return (async function* rows() {
      yield csvHeader();
      for (let batch = first; batch.length;) {
        yield csvRows(batch.map((r) => view(scope, r)));
        if (batch.length < EXPORT_BATCH) return;
        batch = await repo.search(scope, filter, EXPORT_BATCH, batch[batch.length - 1].index);
      }
    })();
  }

  /**
   * Every access to one person's data within the reviewer's scope, newest first (a subject access
   * report). Accesses whose entries were pruned are not found: the CRN went with the body.
   */
  async subjectReport(
    p: Principal,
    crn: string,
    page: { cursor?: number; limit: number },
  ): Promise<SubjectAccessReport> {
    const rows = await this.repo.search(scopeOf(p), { crn }, page.limit + 1, page.cursor);
    const more = rows.length > page.limit;
    const shown = more ? rows.slice(0, page.limit) : rows;
    await this.writer.append(
      readEntry(p, 'subject.access-report', { type: 'subject', id: crn }, { crn }, [`returned:${shown.length}`]),
    );
    return {
      crn,
      accesses: shown.map((r) => toAccess(view(scopeOf(p), r))),
      nextCursor: more ? String(shown[shown.length - 1].index) : null,
    };
  }
}

export interface SubjectAccess {
  index: number;
  timestamp: string;
  org: string;
  actor: string;
  roles: string[];
  action: string;
  purpose: string | null;
  reason: string | null;
  agreement: { id: string; version: number } | null;
  decision: 'ALLOW' | 'DENY';
  reasons: string[];
  fieldsReleased: string[];
  fieldsWithheld: string[];
  recipientOrg: string | null;
  breakGlass: boolean;
  /** Present (true) when the access is a projection of its entry (see viewEntry). */
  redacted?: true;
}

export interface SubjectAccessReport {
  crn: string;
  accesses: SubjectAccess[];
  nextCursor: string | null;
}

/** A search row through the viewer-scoped projection (a pruned one as what is kept of it). */
function view(scope: LogScope, r: EntryRow): EntryView {
  if (r.pruned) return prunedView(r.pruned);
  const bytes = r.bytes;
  return viewEntry(scope, JSON.parse(bytes.toString('utf8')) as StoredAccessLogEntry, () =>
    leafHash(bytes).toString('base64'),
  );
}

function toAccess(e: EntryView): SubjectAccess {
  return {
    index: e.index,
    timestamp: e.timestamp,
    org: e.actor.org,
    actor: e.actor.sub,
    roles: e.actor.roles,
    action: e.action,
    purpose: e.purpose,
    reason: e.reason,
    agreement: e.agreement,
    decision: e.decision,
    reasons: e.reasons,
    fieldsReleased: e.fieldsReleased,
    fieldsWithheld: e.fieldsWithheld,
    recipientOrg: e.recipientOrg,
    breakGlass: e.breakGlass,
    ...(e.redacted ? { redacted: true as const } : {}),
  };
}

function readEntry(
  p: Principal,
  action: string,
  resource: { type: string; id: string },
  filter: AccessLogFilter,
  extra: string[],
): AccessLogEntryInput {
  const scope = scopeOf(p);
  return {
    actor: logActor(p),
    action,
    resource,
    crn: filter.crn ?? null,
    purpose: filter.purpose ?? null,
    reason: p.reason ?? null,
    decision: 'ALLOW',
    reasons: [`scope:${scope.org ?? 'all'}`, ...describeFilter(filter), ...extra],
    recipientOrg: p.org,
    ownerOrg: null,
    requestId: p.requestId,
    jti: p.jti,
    breakGlass: p.breakGlass,
  };
}

/** The filters as reasons of the read's entry, each cut to what an entry's reason may hold. */
function describeFilter(f: AccessLogFilter): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (v !== undefined) out.push(`filter:${k}=${v instanceof Date ? v.toISOString() : String(v)}`.slice(0, 512));
  }
  return out;
}
