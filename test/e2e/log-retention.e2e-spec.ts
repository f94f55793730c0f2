import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  AccessLogWriter,
  LogPruner,
  type AccessLogEntryInput,
  hiddenReasons,
  type EntryView,
} from '../../src/modules/access-log/index.js';
import { verifyConsistency, verifyInclusion } from '../../src/modules/access-log/domain/merkle/index.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { Metrics } from '../../src/shared/observability/metrics.js';
import { TestGateway, type CallOptions } from '../setup/test-app.js';

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;
type Checkpoint = { treeSize: number; rootHash: string; timestamp: string; jws: string };

const anAccess = (crn: string, sub: string, n: number): AccessLogEntryInput => ({
  actor: { org: 'police-cleveland', sub, roles: ['iom-officer'] },
  action: 'case.summary',
  resource: { type: 'case', id: crn },
  crn,
  purpose: 'IOM',
  reason: 'weekly IOM review',
  decision: 'ALLOW',
  reasons: ['rule:iom-summary'],
  recipientOrg: 'police-cleveland',
  ownerOrg: 'nps-north-east',
  requestId: `req-${crn}-${n}`,
});

const b64 = (s: string) => Buffer.from(s, 'base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The SQL error, or null when the statement was accepted. */
const refusal = (c: pg.Client, sql: string, params: unknown[] = []) =>
  c.query(sql, params).then(
    () => null,
    (e: { code?: string; message: string }) => e,
  );

describe('The access log ages out: entry bodies pruned past the retention period, every proof intact', () => {
  let gw: TestGateway;
  let operatorIg: CallOptions;
  let pruner: LogPruner;
  /** Entries older than this are due once the clock is RETENTION_DAYS past it. */
  let boundary: Date;
  let due: number;
  let first: Checkpoint;
  let before: Checkpoint;
  let leafHashes: Map<number, string>;

  const checkpoint = async () =>
    (await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] }))
      .body as Checkpoint;
  const bodies = () =>
    gw.sql<{ idx: string; pruned: boolean; crn: string | null; actor_sub: string | null; purpose: string | null }>(
      `SELECT idx, entry IS NULL AS pruned, crn, actor_sub, purpose FROM access_log_entries ORDER BY idx`,
    );
  const setFloor = (days: number) => gw.sql(`UPDATE access_log_retention_floor SET min_age_days = $1`, [days]);

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { LOG_RETENTION_DAYS: String(RETENTION_DAYS) } });
    operatorIg = { org: gw.orgs.gateway, roles: ['ig-reviewer'], sub: 'user:gateway-ig' };
    pruner = gw.app.get(LogPruner);
    const writer = gw.app.get(AccessLogWriter);
    for (let n = 0; n < 20; n++) await writer.append(anAccess('X111111', 'user:pc-old', n));
    // Two "not found" answers to Cleveland police: a case restricted by its owner, and an unknown CRN.
    const notFound = (crn: string, ownerOrg: string | null, details: string[]) =>
      writer.append({
        ...anAccess(crn, 'user:pc-old', 99),
        action: 'case.read',
        ownerOrg,
        reasons: hiddenReasons(details),
      });
    await notFound('X333333', 'nps-north-east', ['restricted case: visible only to the managing organisation']);
    await notFound('X444444', null, ['no such CRN']);
    first = await checkpoint();
    await sleep(30);
    boundary = new Date();
    await sleep(30);
    for (let n = 0; n < 10; n++) await writer.append(anAccess('X222222', 'user:pc-new', n));
    before = await checkpoint();
    const rows = await gw.sql<{ idx: string; ts: Date; leaf_hash: Buffer }>(
      `SELECT idx, ts, leaf_hash FROM access_log_entries ORDER BY idx`,
    );
    due = rows.filter((r) => r.ts < boundary).length;
    leafHashes = new Map(rows.map((r) => [Number(r.idx), r.leaf_hash.toString('base64')]));
    expect(due).toBeGreaterThanOrEqual(22);
  });
  afterAll(() => gw.close());

  it('keeps the application role from changing entries, the floor or the ranges, or pruning younger than the floor', async () => {
    await withClient(gw.db.appUrl, async (c) => {
      for (const sql of [
        `UPDATE access_log_entries SET entry = NULL, crn = NULL, actor_sub = NULL, purpose = NULL WHERE idx = 0`,
        `DELETE FROM access_log_entries WHERE idx = 0`,
        `TRUNCATE access_log_entries`,
        `UPDATE access_log_retention_floor SET min_age_days = 0`,
        `INSERT INTO access_log_pruned_ranges (from_idx, to_idx, cutoff) VALUES (0, 5, now())`,
      ])
        expect({ sql, e: await refusal(c, sql) }).toMatchObject({ sql, e: { code: '42501' } });
      // The default floor is six years: a cutoff of yesterday is refused by the function itself.
      expect(await refusal(c, `SELECT * FROM access_log_prune(now() - interval '1 day', 100)`)).toMatchObject({
        code: '42501',
        message: expect.stringContaining('younger than the retention floor'),
      });
      // Nor does a temporary table of the caller's standing in for the floor.
      await c.query(`CREATE TEMP TABLE access_log_retention_floor (id smallint, min_age_days integer)`);
      await c.query(`INSERT INTO access_log_retention_floor VALUES (1, 0)`);
      await c.query(`GRANT SELECT ON access_log_retention_floor TO PUBLIC`);
      expect(await refusal(c, `SELECT * FROM access_log_prune(now() - interval '1 day', 100)`)).toMatchObject({
        code: '42501',
      });
      await c.query(`DROP TABLE pg_temp.access_log_retention_floor`);
      // No setting makes a session the owner the trigger asks for, and the role cannot become it.
      const [{ owner }] = await gw.sql<{ owner: string }>(
        `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'access_log_entries'`,
      );
      await c.query(`SET app.pruning = 'on'`);
      expect(await refusal(c, `SET ROLE "${owner}"`)).toMatchObject({ code: '42501' });
      expect(
        await refusal(
          c,
          `UPDATE access_log_entries SET entry = NULL, crn = NULL, actor_sub = NULL, purpose = NULL WHERE idx = 0`,
        ),
      ).toMatchObject({ code: '42501' });
    });
    // Even a role holding UPDATE (which gateway_app does not) is refused by the trigger: only the
    // owner, inside a recorded pruning of entries older than the floor, gets through.
    await withClient(gw.db.ownerUrl, async (c) => {
      await c.query(`DROP ROLE IF EXISTS retention_probe; CREATE ROLE retention_probe`);
      await c.query(`GRANT SELECT, UPDATE ON access_log_entries TO retention_probe`);
      await c.query(`SET ROLE retention_probe`);
      expect(
        await refusal(
          c,
          `UPDATE access_log_entries SET entry = NULL, crn = NULL, actor_sub = NULL, purpose = NULL WHERE idx = 0`,
        ),
      ).toMatchObject({ message: expect.stringContaining('append-only') });
      await c.query(`RESET ROLE`);
      // The owner outside the function: entry 0 is younger than the floor and in no recorded range.
      expect(
        await refusal(
          c,
          `UPDATE access_log_entries SET entry = NULL, crn = NULL, actor_sub = NULL, purpose = NULL WHERE idx = 0`,
        ),
      ).toMatchObject({ message: expect.stringContaining('append-only') });
      await c.query(`DROP OWNED BY retention_probe; DROP ROLE retention_probe`);
    });
    // The scheduled pruning with the clock far past the retention period: the floor still wins.
    expect(await pruner.dueAt(new Date(Date.now() + 400 * DAY_MS))).toBeNull();
    expect(await pruner.pruneDue(new Date(Date.now() + 400 * DAY_MS))).toEqual([]);
    expect((await bodies()).filter((r) => r.pruned)).toEqual([]);
  });

  it('prunes exactly the entries older than the retention period, once, however many instances try', async () => {
    await setFloor(0);
    const now = new Date(boundary.getTime() + RETENTION_DAYS * DAY_MS);
    expect(await pruner.dueAt(now)).toEqual({ from: 0, to: due - 1, cutoff: boundary.toISOString() });
    const [a, b] = await Promise.all([pruner.pruneDue(now), pruner.pruneDue(now)]);
    const made = [...a, ...b];
    expect(made).toEqual([
      expect.objectContaining({ from: 0, to: due - 1, count: due, cutoff: boundary.toISOString() }),
    ]);
    expect(await pruner.pruneDue(now)).toEqual([]);
    expect(await pruner.dueAt(now)).toBeNull();
    const metric = await gw.app.get(Metrics).registry.getSingleMetric('gateway_log_pruned_entries_total')?.get();
    expect(metric?.values[0].value).toBe(due);

    const rows = await bodies();
    expect(rows.filter((r) => r.pruned).map((r) => Number(r.idx))).toEqual(Array.from({ length: due }, (_, i) => i));
    for (const r of rows.slice(0, due)) expect(r).toMatchObject({ crn: null, actor_sub: null, purpose: null });
    expect(rows.slice(due).every((r) => !r.pruned)).toBe(true);
    const after = await gw.sql<{ idx: string; leaf_hash: Buffer }>(`SELECT idx, leaf_hash FROM access_log_entries`);
    for (const r of after)
      if (leafHashes.has(Number(r.idx))) expect(r.leaf_hash.toString('base64')).toBe(leafHashes.get(Number(r.idx)));

    // The pruning is itself in the log: range, count and cutoff, and no personal data.
    const [logged] = await gw.sql<{ entry: Buffer }>(
      `SELECT entry FROM access_log_entries WHERE action = 'log.prune' ORDER BY idx`,
    );
    const text = logged.entry.toString('utf8');
    expect(JSON.parse(text)).toMatchObject({
      action: 'log.prune',
      actor: { org: 'gateway', sub: 'system:log-retention' },
      resource: { type: 'access-log', id: `0-${due - 1}` },
      reasons: [`pruned:0..${due - 1}`, `count:${due}`, `cutoff:${boundary.toISOString()}`],
    });
    expect(text).not.toMatch(/X111111|pc-old/);
    expect(made[0].entryIndex).toEqual(expect.any(Number));
    const [range] = await gw.sql<{ from_idx: string; to_idx: string }>(`SELECT * FROM access_log_pruned_ranges`);
    expect(range).toMatchObject({ from_idx: '0', to_idx: String(due - 1) });
  });

  it('still proves inclusion of pruned entries and consistency against checkpoints signed before the pruning', async () => {
    const partner = { org: gw.orgs['police-cleveland'], roles: ['system'] };
    for (const index of [0, 7, due - 1, due]) {
      const res = await gw.call('GET', `/access-log/entries/${index}/proof?treeSize=${before.treeSize}`, partner);
      expect(res.status).toBe(200);
      expect(res.body.leafHash).toBe(leafHashes.get(index));
      expect(
        verifyInclusion(
          index,
          before.treeSize,
          b64(leafHashes.get(index)!),
          (res.body.auditPath as string[]).map(b64),
          b64(before.rootHash),
        ),
      ).toBe(true);
    }
    const later = await checkpoint();
    for (const old of [first, before]) {
      const from = old.treeSize;
      const res = await gw.call('GET', `/access-log/consistency?from=${from}&to=${later.treeSize}`, partner);
      expect(res.status).toBe(200);
      expect(
        verifyConsistency(
          from,
          later.treeSize,
          b64(old.rootHash),
          b64(later.rootHash),
          (res.body.proof as string[]).map(b64),
        ),
      ).toBe(true);
    }
  });

  it('log:verify passes from the stored leaf hashes and reports the pruned range', async () => {
    for (const blockSize of [4, 16, 65_536]) {
      const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c, { blockSize }));
      expect(report).toMatchObject({
        ok: true,
        problemCount: 0,
        entriesPruned: due,
        prunedRanges: [{ from: 0, to: due - 1, cutoff: boundary.toISOString() }],
      });
    }
    const script = path.resolve('dist/scripts/log-verify.js');
    const run = await promisify(execFile)(process.execPath, [script, '--workers', '3', '--block', '8'], {
      env: { ...process.env, DATABASE_URL: gw.db.appUrl, DATA_DIR: gw.config.dataDir },
    });
    expect(run.stdout).toMatch(/^OK: /);
    expect(run.stdout).toContain(`PRUNED: entries 0 to ${due - 1} (older than ${boundary.toISOString()})`);
  });

  it('shows pruned entries to IG as pruned, with index and time, and no longer finds them by CRN or actor', async () => {
    const byCrn = await gw.call('GET', '/access-log?crn=X111111', operatorIg);
    expect(byCrn.status).toBe(200);
    expect(byCrn.body.entries).toEqual([]);
    expect((await gw.call('GET', '/access-log?actor=user:pc-old', operatorIg)).body.entries).toEqual([]);
    expect((await gw.call('GET', '/access-log?crn=X222222', operatorIg)).body.entries).toHaveLength(10);
    // The report now finds only the searches made for this CRN since (logged with it), none of the accesses.
    const report = await gw.call('GET', '/subjects/X111111/access-report', operatorIg);
    expect((report.body.accesses as { action: string }[]).filter((a) => a.action === 'case.summary')).toEqual([]);

    const all = await gw.call('GET', `/access-log?limit=200`, operatorIg);
    expect(all.status).toBe(200);
    const pruned = (all.body.entries as EntryView[]).filter((e) => e.pruned);
    expect(pruned.map((e) => e.index).sort((x, y) => x - y)).toEqual(Array.from({ length: due }, (_, i) => i));
    expect(pruned[0]).toMatchObject({
      redacted: true,
      crn: null,
      purpose: null,
      actor: { sub: '' },
      pruned: { on: expect.any(String), cutoff: boundary.toISOString() },
      leafHash: leafHashes.get(pruned[0].index),
    });

    // An organisation sees the pruned entries in its scope the same way.
    const own = await gw.call('GET', '/access-log?action=case.summary&limit=200', {
      org: gw.orgs['police-cleveland'],
      roles: ['ig-reviewer'],
    });
    expect((own.body.entries as EntryView[]).filter((e) => e.pruned)).toHaveLength(20);

    // Pruned, a restricted case's "not found" and an unknown CRN's read alike, to every reviewer.
    for (const reviewer of [operatorIg, { org: gw.orgs['police-cleveland'], roles: ['ig-reviewer'] }]) {
      const hidden = (await gw.call('GET', '/access-log?action=case.read', reviewer)).body.entries as EntryView[];
      const [a, b] = hidden.filter((e) => e.pruned).map((e) => ({ ...e, index: 0, timestamp: '', leafHash: '' }));
      expect(a).toBeDefined();
      expect(a).toEqual(b);
    }

    const one = await gw.call('GET', '/access-log/entries/3', operatorIg);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ index: 3, redacted: true, pruned: { cutoff: boundary.toISOString() } });

    const csv = await gw.call('GET', '/access-log/export.csv?action=case.summary', operatorIg);
    expect(csv.status).toBe(200);
    const lines = csv.text.trimEnd().split('\r\n');
    const header = lines[0].split(',');
    const prunedOn = header.indexOf('prunedOn');
    expect(prunedOn).toBeGreaterThan(0);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells.filter((c) => c[prunedOn] !== '')).toHaveLength(20);
    expect(csv.text).not.toContain('X111111');
  });

  // Last: it damages the log.
  it('log:verify names a body removed outside every recorded pruning, and a pruned leaf hash altered', async () => {
    await withClient(gw.db.ownerUrl, async (c) => {
      await c.query(`ALTER TABLE access_log_entries DISABLE TRIGGER access_log_entries_no_update_delete`);
      await c.query(`UPDATE access_log_entries SET entry = NULL WHERE idx = $1`, [due + 2]);
      await c.query(`UPDATE access_log_entries SET leaf_hash = sha256(leaf_hash) WHERE idx = 5`);
      await c.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);
    });
    const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c, { blockSize: 8 }));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing_body', index: due + 2 }),
        expect.objectContaining({ kind: 'root', treeSize: first.treeSize }),
      ]),
    );
  });
});
