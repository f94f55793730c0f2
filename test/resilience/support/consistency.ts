import { verifyAccessLog } from '../../../src/modules/access-log/application/log-verifier.js';
import type { DedicatedPostgres } from './postgres.js';
import type { Outcome } from './workload.js';

export interface ConsistencyFigures {
  treeSize: number;
  summariesChecked: number;
  exchangesChecked: number;
  verifiedEntries: number;
}

interface EntryRow {
  idx: string;
  e: { index: number; action: string; decision: string; crn: string | null; jti: string | null; actor: { org: string; sub: string }; resource: { type: string; id: string } };
}

/**
 * The guarantees after a crash, an outage or a run of several instances, from the database as
 * the owner sees it:
 * - indices are gap-free: 0..size-1, each once, and the head row agrees;
 * - every summary the client received as 2xx names, in accessLogIndex, an entry that is this
 *   request's (same jti), an ALLOW of case.summary for that CRN by that actor: nothing was
 *   released without its entry;
 * - every exchange request the client received as 201 has its exchange.submit entry (same jti);
 * - the full verifier (leaf hashes, stored nodes, signed checkpoints, head frontier) passes.
 * Throws an Error listing what failed.
 */
export async function checkConsistency(pg: DedicatedPostgres, outcomes: readonly Outcome[]): Promise<ConsistencyFigures> {
  const problems: string[] = [];
  const c = await pg.connect(pg.appUrl);
  try {
    const seen = outcomes.slice(); // responses received before this point; their entries must be committed
    // One snapshot for the head and the entries: the load may still be appending.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [head] = (await c.query<{ size: string }>('SELECT size FROM access_log_head')).rows;
    const rows = (await c.query<EntryRow>(`SELECT idx, convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries ORDER BY idx`)).rows;
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
        else if (e.jti !== o.jti || e.decision !== 'ALLOW' || e.crn !== o.crn || e.actor.org !== o.actor.org || e.actor.sub !== o.actor.sub || e.action !== 'case.summary') {
          problems.push(`${what}: entry ${idx} is not this release: ${JSON.stringify({ jti: e.jti, decision: e.decision, crn: e.crn, actor: e.actor, action: e.action })}`);
        }
      } else {
        exchanges++;
        const id = o.body?.id;
        const mine = (byJti.get(o.jti) ?? []).filter((e) => e.action === 'exchange.submit' && e.resource.id === id);
        if (mine.length !== 1) problems.push(`exchange request ${String(id)} (jti ${o.jti}) answered ${o.status} but has ${mine.length} exchange.submit entries`);
      }
      if (problems.length > 20) break;
    }

    const report = await verifyAccessLog(c);
    if (!report.ok) problems.push(`log verifier: ${report.problemCount} problem(s), first bad index ${report.firstBadIndex}: ${report.problems.slice(0, 3).map((p) => `${p.kind}: ${p.detail}`).join('; ')}`);
    if (problems.length) throw new Error(`consistency check failed:\n  ${problems.slice(0, 20).join('\n  ')}`);
    return { treeSize: size, summariesChecked: summaries, exchangesChecked: exchanges, verifiedEntries: report.entriesChecked };
  } finally {
    await c.end().catch(() => undefined);
  }
}
