import { verifyAccessLog } from '../../../src/modules/access-log/application/log-verifier.js';
import { sealEntryText, type PreparedEntry } from '../../../src/modules/access-log/domain/prepared-entry.js';
import type { DedicatedPostgres } from './postgres.js';
import { WRITE_ASSESSMENT_PREFIX, WRITE_CRN_PREFIX, type Outcome } from './workload.js';

export interface ConsistencyFigures {
  treeSize: number;
  summariesChecked: number;
  exchangesChecked: number;
  verifiedEntries: number;
  /** Changes (exchange requests, write-load cases and assessments) matched with their entries both ways. */
  changesChecked: number;
  /** Entries of committed changes still queued as intents at the check (not yet in the tree). */
  queuedIntents: number;
  /** Events of committed exchange requests not yet published at the check (still pending). */
  pendingEvents: number;
}

interface ExchangeRow {
  id: string;
  status: string;
  release_log_index: string | null;
  decided_by_sub: string | null;
}

interface EntryRow {
  idx: string;
  e: {
    index: number;
    action: string;
    decision: string;
    crn: string | null;
    jti: string | null;
    actor: { org: string; sub: string };
    resource: { type: string; id: string };
  };
}

/**
 * The guarantees after a crash, an outage or a run of several instances, from the database as
 * the owner sees it:
 * - indices are gap-free: 0..size-1, each once, and the head row agrees;
 * - every summary the client received as 2xx names, in accessLogIndex, an entry that is this
 *   request's (same jti), an ALLOW of case.summary for that CRN by that actor: nothing was
 *   released without its entry;
 * - every exchange request the client received as 201 has its exchange.submit entry (same jti);
 * - writes are logged truthfully, both ways, counting an entry still queued as a log intent
 *   (committed with its change, not yet integrated) as logged: every exchange request stored has
 *   exactly one exchange.submit entry and every such entry names a stored request; every
 *   FULFILLED request's release index holds its exchange.release entry, and every release entry
 *   names a stored request; a request a data owner decided has exactly one exchange.decide
 *   entry, any other none; each write-load case has as many case.create/case.update entries as
 *   it has revisions, and each write-load assessment exactly one case.assessment entry, and no
 *   such entry names a case or assessment that is not stored; every write the client received as
 *   2xx has its entry (same jti);
 * - a committed change has its events, counting one still pending (committed with its change, not
 *   yet published) as there: every exchange request stored has exactly one
 *   exchange-request.received event, and exactly one exchange-request.fulfilled event if, and only
 *   if, it is FULFILLED; no exchange event names a request that is not stored;
 * - the full verifier (leaf hashes, stored nodes, signed checkpoints, head frontier) passes.
 * Throws an Error listing what failed.
 */
export async function checkConsistency(
  pg: Pick<DedicatedPostgres, 'connect' | 'appUrl'>,
  outcomes: readonly Outcome[],
): Promise<ConsistencyFigures> {
  const problems: string[] = [];
  const c = await pg.connect(pg.appUrl);
  try {
    const seen = outcomes.slice(); // responses received before this point; their entries must be committed
    // One snapshot for the head and the entries: the load may still be appending.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [head] = (await c.query<{ size: string }>('SELECT size FROM access_log_head')).rows;
    const rows = (
      await c.query<EntryRow>(
        `SELECT idx, convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries ORDER BY idx`,
      )
    ).rows;
    const queue = (await c.query<{ entry: PreparedEntry }>(`SELECT entry FROM access_log_queue ORDER BY id`)).rows;
    const requests = (
      await c.query<ExchangeRow>(`SELECT id, status, release_log_index, decided_by_sub FROM exchange_requests`)
    ).rows;
    const cases = (await c.query<{ crn: string; revision: number }>(`SELECT crn, revision FROM cases`)).rows;
    const assessments = (
      await c.query<{ key: string }>(
        `SELECT crn || '/' || assessment_id AS key FROM case_assessments WHERE assessment_id LIKE $1`,
        [`${WRITE_ASSESSMENT_PREFIX}%`],
      )
    ).rows;
    await c.query('COMMIT');
    const size = rows.length;
    for (let i = 0; i < size; i++) {
      if (Number(rows[i].idx) !== i) {
        problems.push(`index gap or duplicate: position ${i} holds index ${rows[i].idx}`);
        break;
      }
      if (rows[i].e.index !== i) problems.push(`entry ${i} says it is index ${rows[i].e.index}`);
    }
    if (Number(head.size) !== size) problems.push(`head size ${head.size} != ${size} entries stored`);

    const byJti = new Map<string, EntryRow['e'][]>();
    for (const r of rows) if (r.e.jti) byJti.set(r.e.jti, [...(byJti.get(r.e.jti) ?? []), r.e]);

    // Entries of committed changes: in the tree, or queued as intents (index -1) for a sweeper.
    const queued = queue.map((q) => JSON.parse(sealEntryText(q.entry, -1, '')) as EntryRow['e']);
    const logged = [...rows.map((r) => r.e), ...queued];
    for (const e of queued) if (e.jti) byJti.set(e.jti, [...(byJti.get(e.jti) ?? []), e]);
    const changes = checkChanges(logged, rows, requests, cases, assessments, problems);

    let summaries = 0;
    let exchanges = 0;
    for (const o of seen) {
      if (o.status < 200 || o.status > 299) continue;
      if (o.kind === 'summary') {
        summaries++;
        const idx = o.body?.accessLogIndex;
        const e = typeof idx === 'number' ? rows[idx]?.e : undefined;
        const what = `summary ${o.crn} by ${o.actor.org} (jti ${o.jti}, accessLogIndex ${String(idx)})`;
        if (typeof idx !== 'number') problems.push(`${what}: released without an accessLogIndex`);
        else if (!e) problems.push(`${what}: released but entry ${idx} does not exist (log size ${size})`);
        else if (
          e.jti !== o.jti ||
          e.decision !== 'ALLOW' ||
          e.crn !== o.crn ||
          e.actor.org !== o.actor.org ||
          e.actor.sub !== o.actor.sub ||
          e.action !== 'case.summary'
        ) {
          problems.push(
            `${what}: entry ${idx} is not this release: ${JSON.stringify({ jti: e.jti, decision: e.decision, crn: e.crn, actor: e.actor, action: e.action })}`,
          );
        }
      } else if (o.kind === 'case' || o.kind === 'assessment' || o.kind === 'decision') {
        const action =
          o.kind === 'case'
            ? /^case\.(create|update)$/
            : o.kind === 'assessment'
              ? /^case\.assessment$/
              : /^exchange\.decide$/;
        const mine = (byJti.get(o.jti) ?? []).filter((e) => action.test(e.action) && e.crn === o.crn);
        if (mine.length !== 1)
          problems.push(`${o.kind} push ${o.crn} (jti ${o.jti}) answered ${o.status} but has ${mine.length} entries`);
      } else {
        exchanges++;
        const id = o.body?.id;
        const mine = (byJti.get(o.jti) ?? []).filter((e) => e.action === 'exchange.submit' && e.resource.id === id);
        if (mine.length !== 1)
          problems.push(
            `exchange request ${String(id)} (jti ${o.jti}) answered ${o.status} but has ${mine.length} exchange.submit entries`,
          );
      }
      if (problems.length > 20) break;
    }

    const pendingEvents = await checkExchangeEvents(pg, problems);
    const report = await verifyAccessLog(c);
    if (!report.ok)
      problems.push(
        `log verifier: ${report.problemCount} problem(s), first bad index ${report.firstBadIndex}: ${report.problems
          .slice(0, 3)
          .map((p) => `${p.kind}: ${p.detail}`)
          .join('; ')}`,
      );
    if (problems.length) throw new Error(`consistency check failed:\n  ${problems.slice(0, 20).join('\n  ')}`);
    return {
      treeSize: size,
      summariesChecked: summaries,
      exchangesChecked: exchanges,
      verifiedEntries: report.entriesChecked,
      changesChecked: changes,
      queuedIntents: queue.length,
      pendingEvents,
    };
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Exchange requests and their events, published or pending, in one snapshot (as the owner: the
 * application may not read the pending table). Answers how many were pending.
 */
async function checkExchangeEvents(pg: Pick<DedicatedPostgres, 'connect'>, problems: string[]): Promise<number> {
  const c = await pg.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const requests = (await c.query<{ id: string; status: string }>(`SELECT id::text, status FROM exchange_requests`))
      .rows;
    const events = (
      await c.query<{ subject: string; type: string; pending: boolean }>(
        `SELECT subject, type, false AS pending FROM event_outbox WHERE type LIKE 'exchange-request.%'
         UNION ALL
         SELECT subject, type, true FROM event_outbox_pending WHERE type LIKE 'exchange-request.%'`,
      )
    ).rows;
    await c.query('COMMIT');
    const counts = new Map<string, number>();
    for (const e of events) counts.set(`${e.type} ${e.subject}`, (counts.get(`${e.type} ${e.subject}`) ?? 0) + 1);
    const stored = new Set(requests.map((r) => r.id));
    for (const r of requests) {
      const received = counts.get(`exchange-request.received ${r.id}`) ?? 0;
      const fulfilled = counts.get(`exchange-request.fulfilled ${r.id}`) ?? 0;
      if (received !== 1) problems.push(`exchange request ${r.id} is stored with ${received} received events`);
      if (fulfilled !== (r.status === 'FULFILLED' ? 1 : 0))
        problems.push(`exchange request ${r.id} is ${r.status} with ${fulfilled} fulfilled events`);
    }
    for (const e of events)
      if (!stored.has(e.subject)) problems.push(`${e.type} event for ${e.subject}, a request that is not stored`);
    return events.filter((e) => e.pending).length;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Both directions for every change the database holds: each has its entries, and each entry its change. */
function checkChanges(
  logged: readonly EntryRow['e'][],
  tree: readonly EntryRow[],
  requests: readonly ExchangeRow[],
  cases: readonly { crn: string; revision: number }[],
  assessments: readonly { key: string }[],
  problems: string[],
): number {
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const submits = new Map<string, number>();
  const decisions = new Map<string, number>();
  const releases = new Set<string>();
  const caseWrites = new Map<string, number>();
  const assessed = new Map<string, number>();
  for (const e of logged) {
    if (e.action === 'exchange.submit') count(submits, e.resource.id);
    else if (e.action === 'exchange.release') releases.add(e.resource.id);
    else if (e.action === 'exchange.decide') count(decisions, e.resource.id);
    else if ((e.action === 'case.create' || e.action === 'case.update') && e.crn) count(caseWrites, e.crn);
    else if (e.action === 'case.assessment') count(assessed, e.resource.id);
  }
  const requestIds = new Set(requests.map((r) => r.id));
  for (const r of requests) {
    const n = submits.get(r.id) ?? 0;
    if (n !== 1) problems.push(`exchange request ${r.id} is stored (${r.status}) with ${n} exchange.submit entries`);
    // A data owner's decision is stored as the decider; the gateway's own (automatic approval,
    // closing) is logged as exchange.submit, .release, .refuse or .expire instead.
    const decided = r.decided_by_sub !== null && r.decided_by_sub !== 'system:exchange' ? 1 : 0;
    if ((decisions.get(r.id) ?? 0) !== decided)
      problems.push(
        `exchange request ${r.id} is ${r.status}, decided by ${r.decided_by_sub}, with ${decisions.get(r.id) ?? 0} exchange.decide entries`,
      );
    if (r.status === 'FULFILLED') {
      const e = r.release_log_index === null ? undefined : tree[Number(r.release_log_index)]?.e;
      if (!e || e.action !== 'exchange.release' || e.resource.id !== r.id)
        problems.push(`exchange request ${r.id} is FULFILLED but entry ${r.release_log_index} is not its release`);
    }
  }
  for (const id of submits.keys())
    if (!requestIds.has(id)) problems.push(`exchange.submit entry for ${id}, a request that is not stored`);
  for (const id of releases)
    if (!requestIds.has(id)) problems.push(`exchange.release entry for ${id}, a request that is not stored`);
  for (const id of decisions.keys())
    if (!requestIds.has(id)) problems.push(`exchange.decide entry for ${id}, a request that is not stored`);
  const revisions = new Map(cases.map((c) => [c.crn, c.revision]));
  for (const [crn, n] of caseWrites)
    if (!revisions.has(crn))
      problems.push(`${n} case.create/case.update entries for ${crn}, a case that is not stored`);
  let checked = requests.length;
  for (const c of cases) {
    if (!c.crn.startsWith(WRITE_CRN_PREFIX)) continue;
    checked++;
    const n = caseWrites.get(c.crn) ?? 0;
    if (n !== c.revision)
      problems.push(`case ${c.crn} is at revision ${c.revision} but has ${n} case.create/case.update entries`);
  }
  const stored = new Set(assessments.map((a) => a.key));
  for (const key of stored) {
    checked++;
    const n = assessed.get(key) ?? 0;
    if (n !== 1) problems.push(`assessment ${key} is stored with ${n} case.assessment entries`);
  }
  for (const key of assessed.keys())
    if (key.includes(`/${WRITE_ASSESSMENT_PREFIX}`) && !stored.has(key))
      problems.push(`case.assessment entry for ${key}, an assessment that is not stored`);
  return checked;
}
