import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { AccessLogWriter, type AccessLogEntryInput } from '../../src/modules/access-log/index.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { TestGateway } from '../setup/test-app.js';

const TREE_TABLES = ['access_log_entries', 'access_log_nodes', 'access_log_checkpoints'];

/** UPDATE (a no-op change), DELETE and TRUNCATE of every row of `table`. */
function changes(table: string): string[] {
  const column = table === 'access_log_checkpoints' ? 'tree_size' : 'idx';
  return [`UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`, `TRUNCATE ${table}`];
}

const anEntry = (n: number): AccessLogEntryInput => ({
  actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: ['iom-officer'] },
  action: 'case.summary',
  resource: { type: 'case', id: 'X123456' },
  crn: 'X123456',
  purpose: 'IOM',
  decision: 'ALLOW',
  reasons: ['rule:iom-summary'],
  requestId: `req-${n}`,
});

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
const refusal = (c: pg.Client, sql: string) =>
  c.query(sql).then(
    () => null,
    (e: { code?: string; message: string }) => e,
  );

describe('Access-log immutability in the database, and log:verify', () => {
  let gw: TestGateway;

  /** Runs `npm run log:verify` (the built script) against the test database. */
  async function logVerify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const script = path.resolve('dist/scripts/log-verify.js');
    return promisify(execFile)(process.execPath, [script, ...args], {
      env: { ...process.env, DATABASE_URL: gw.db.appUrl, DATA_DIR: gw.config.dataDir },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  }
  beforeAll(async () => {
    gw = await TestGateway.start();
    const writer = gw.app.get(AccessLogWriter);
    // Appended in three waves with checkpoints between, so several roots and a consistency pair exist.
    for (const [from, to] of [
      [0, 40],
      [40, 100],
      [100, 123],
    ]) {
      await Promise.all(Array.from({ length: to - from }, (_, i) => writer.append(anEntry(from + i))));
      expect(
        (await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] })).status,
      ).toBe(200);
    }
  });
  afterAll(() => gw.close());

  it.each(TREE_TABLES)('refuses UPDATE, DELETE and TRUNCATE on %s to the application role', async (table) => {
    await withClient(gw.db.appUrl, async (c) => {
      for (const sql of changes(table)) {
        expect(await refusal(c, sql)).toMatchObject({ code: '42501' });
      }
    });
  });

  it.each(TREE_TABLES)(
    'refuses UPDATE, DELETE and TRUNCATE on %s to the owner too, even as a replica session',
    async (table) => {
      await withClient(gw.db.ownerUrl, async (c) => {
        for (const replica of [false, true]) {
          await c.query(`SET session_replication_role = ${replica ? 'replica' : 'origin'}`);
          for (const sql of changes(table)) {
            expect(await refusal(c, sql)).toMatchObject({ message: expect.stringContaining('append-only') });
          }
        }
      });
      const [{ n }] = await gw.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      expect(Number(n)).toBeGreaterThan(0);
    },
  );

  it('lets the head only grow and never be deleted', async () => {
    await withClient(gw.db.appUrl, async (c) => {
      expect(
        await refusal(c, `UPDATE access_log_head SET size = 0, frontier = '{"size":0,"hashes":[]}'`),
      ).toMatchObject({ message: expect.stringContaining('may only grow') });
      expect(await refusal(c, `DELETE FROM access_log_head`)).toMatchObject({ code: '42501' });
      expect(await refusal(c, `INSERT INTO access_log_head (id, size, frontier) VALUES (2, 0, '{}')`)).toMatchObject({
        code: '42501',
      });
    });
  });

  it('verifies the untouched log: every leaf, node, root, signature and consistency pair', async () => {
    // Blocks of every size: checkpoints (40, 100, 123) fall inside blocks and on their edges, and
    // the top of the tree is rebuilt from block roots at every height.
    for (const blockSize of [2, 4, 8, 16, 64, 65_536]) {
      const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c, { blockSize }));
      expect({ blockSize, ...report }).toMatchObject({
        blockSize,
        ok: true,
        treeSize: 123,
        entriesChecked: 123,
        nodesChecked: 123 - 6,
        checkpointsChecked: 3,
        problemCount: 0,
        firstBadIndex: null,
        workers: 0,
      });
    }
    // And with worker threads, as npm run log:verify runs on a machine with several cores.
    for (const block of ['4', '32']) {
      const run = await logVerify('--json', '--workers', '3', '--block', block);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: true,
        treeSize: 123,
        entriesChecked: 123,
        nodesChecked: 123 - 6,
        checkpointsChecked: 3,
        problemCount: 0,
        workers: 3,
      });
    }
  });

  it('names the index of an entry altered by an owner who disabled the triggers (log:verify exits 1)', async () => {
    await withClient(gw.db.ownerUrl, async (c) => {
      await c.query(`ALTER TABLE access_log_entries DISABLE TRIGGER access_log_entries_no_update_delete`);
      await c.query(
        `UPDATE access_log_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"ALLOW"', '"DENY"'), 'UTF8') WHERE idx = 57`,
      );
      await c.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);
    });
    const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c));
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(57);
    expect(report.problems[0]).toMatchObject({ kind: 'leaf_hash', index: 57 });
    // The rebuilt tree then disagrees with the signed checkpoints that cover entry 57.
    expect(report.problems.filter((p) => p.kind === 'root').map((p) => p.treeSize)).toEqual([100, 123]);

    const small = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c, { blockSize: 4 }));
    expect(small).toMatchObject({ ok: false, firstBadIndex: 57 });
    expect(small.problems.filter((p) => p.kind === 'root').map((p) => p.treeSize)).toEqual([100, 123]);

    for (const args of [[], ['--workers', '2', '--block', '8']]) {
      const run = await logVerify(...args);
      expect({ code: run.code, stdout: run.stdout }).toEqual({
        code: 1,
        stdout: expect.stringContaining('FAILED: first bad index 57'),
      });
    }
    // The same through worker threads (a log of 123 entries in blocks of 8), as JSON.
    const json = await logVerify('--json', '--workers', '2', '--block', '8');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBadIndex: 57, workers: 2 });
  });

  it('catches an attacker who also rewrote the leaf hash: the stored nodes and signed roots disagree', async () => {
    await withClient(gw.db.ownerUrl, async (c) => {
      await c.query(`ALTER TABLE access_log_entries DISABLE TRIGGER access_log_entries_no_update_delete`);
      await c.query(
        `UPDATE access_log_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"ALLOW"', '"DENY"'), 'UTF8') WHERE idx = 110`,
      );
      await c.query(`UPDATE access_log_entries SET leaf_hash = sha256('\\x00'::bytea || entry) WHERE idx = 110`);
      await c.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);
    });
    const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c));
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.kind === 'leaf_hash' && p.index === 110)).toBe(false);
    expect(report.problems.some((p) => p.kind === 'node' && /\b110\b|entries 110 to 111/.test(p.detail))).toBe(true);
    expect(report.problems.some((p) => p.kind === 'root' && p.treeSize === 123)).toBe(true);
  });

  it('reports a deleted entry as the first bad index, and a checkpoint whose signature is not its own', async () => {
    await withClient(gw.db.ownerUrl, async (c) => {
      await c.query(`ALTER TABLE access_log_entries DISABLE TRIGGER access_log_entries_no_update_delete`);
      await c.query(`ALTER TABLE access_log_checkpoints DISABLE TRIGGER access_log_checkpoints_no_update_delete`);
      await c.query(`DELETE FROM access_log_entries WHERE idx = 3`);
      await c.query(
        `UPDATE access_log_checkpoints SET jws = (SELECT jws FROM access_log_checkpoints WHERE tree_size = 100) WHERE tree_size = 40`,
      );
      await c.query(`ALTER TABLE access_log_entries ENABLE ALWAYS TRIGGER access_log_entries_no_update_delete`);
      await c.query(`ALTER TABLE access_log_checkpoints ENABLE ALWAYS TRIGGER access_log_checkpoints_no_update_delete`);
    });
    const report = await withClient(gw.db.appUrl, (c) => verifyAccessLog(c));
    expect(report.firstBadIndex).toBe(3);
    expect(report.problems[0]).toMatchObject({ kind: 'missing_entry', index: 3 });
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'signature', treeSize: 40 }));
  });
});
