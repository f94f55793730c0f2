import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyConsistency } from '../../src/shared/verification/rfc9162.js';
import { checkConsistency } from './support/consistency.js';
import { GatewayProcess } from './support/gateway-process.js';
import { send, isProblem, type Reply } from './support/http.js';
import { eventually, report, scale, sleep } from './support/mode.js';
import { DemoSigner, type Actor } from './support/signer.js';
import { ReplicatedPostgres } from './support/standby.js';
import { loadDemoData, MixedLoad, statusCounts, type Outcome } from './support/workload.js';

/** How long the primary stays dead before the standby is promoted (a failover manager's reaction time). */
const GAP_MS = scale(1500, 10_000);
/** Successes wanted before the kill, and after the promotion to call the gateway serving again. */
const SERVED = scale(60, 500);
const READER: Actor = { org: 'nps-north-east', roles: ['offender-manager'], sub: 'user:nps-north-east-om-1' };

interface Checkpoint {
  treeSize: number;
  rootHash: string;
}

const is2xx = (o: Outcome) => o.status >= 200 && o.status < 300;

/**
 * Issue 19 item 6: the database primary is lost under load. A primary with a synchronous standby
 * (synchronous_commit on, synchronous_standby_names naming it); one real gateway process on a
 * multi-host DATABASE_URL (target_session_attrs=read-write) naming both; a closed-loop mixed load
 * of signed summary reads, exchange requests, data owners' decisions, case pushes and
 * assessments. The primary's whole process group is SIGKILLed, and the standby promoted with
 * pg_ctl promote. Then: every 2xx the clients received has its effect and its log entry on the
 * promoted server (checkConsistency, counting them), the tree verifies and is consistent with
 * the checkpoint published before the kill, requests in the gap were refused with problem+json
 * 503 (never 500), /health went 503 and back to 200, all in the same process: no restart.
 */
describe('Failover: the database primary is lost under load and its synchronous standby promoted', () => {
  let db: ReplicatedPostgres;
  let gw: GatewayProcess;
  let signer: DemoSigner;
  let dataDir: string;

  beforeAll(async () => {
    db = await ReplicatedPostgres.start();
    dataDir = db.dataDir('data');
    gw = await GatewayProcess.start(db, {
      dataDir,
      env: { DB_POOL_SIZE: '8', DB_STATEMENT_TIMEOUT_MS: '2000', LOG_INTENT_SWEEP_MS: '500' },
    });
    signer = new DemoSigner(dataDir);
  }, 180_000);

  afterAll(async () => {
    await gw?.stop();
    await db?.destroy();
  }, 60_000);

  async function signedGet(p: string): Promise<Reply> {
    const { token } = await signer.token(READER, 'GET', p);
    return send(gw.baseUrl, 'GET', p, { token, timeoutMs: 20_000 });
  }

  async function latestCheckpoint(): Promise<Checkpoint> {
    const r = await signedGet('/access-log/checkpoints/latest');
    expect(r.status).toBe(200);
    return r.json as Checkpoint;
  }

  it(
    'loses no acknowledged entry or change, keeps the tree consistent with earlier checkpoints, and serves again by itself',
    async () => {
      const pid = gw.pid;
      const data = await loadDemoData(db);
      const load = new MixedLoad(signer, () => [gw.baseUrl], data, 8, 0.15, 0.2);
      // sentAt: a probe sent before the kill may still answer 200 after it (it was served first).
      // checks: what the gateway said of each dependency, to tell which one answered in the gap.
      const health: { sentAt: number; at: number; status: number; problem: boolean; checks?: unknown }[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const sentAt = Date.now();
          const r = await send(gw.baseUrl, 'GET', '/health', { timeoutMs: 10_000 });
          const checks = (r.json as { checks?: unknown } | null)?.checks;
          health.push({ sentAt, at: Date.now(), status: r.status, problem: isProblem(r), checks });
          await sleep(100);
        }
      })();
      let killedAt = 0;
      // pg_ctl promote -w returns up to a poll interval after the standby accepts writes, and the
      // gateway may already serve from it by then: the gap ends when the promotion is asked for.
      let promotingAt = 0;
      let promotedAt = 0;
      let acknowledgedBeforeKill: number | undefined;
      let before: Checkpoint;
      try {
        await eventually('the load is served before the kill', () => load.count(is2xx) >= SERVED, 60_000, 10);
        // A checkpoint clients have seen; the log after the failover must extend it.
        before = await latestCheckpoint();
        await eventually('more is served after that checkpoint', () => load.count(is2xx) >= 2 * SERVED, 60_000, 10);

        await db.killPrimary();
        killedAt = Date.now();
        acknowledgedBeforeKill = load.count(is2xx);
        await sleep(GAP_MS);
        promotingAt = Date.now();
        await db.promote();
        promotedAt = Date.now();

        const servedAtPromotion = load.count(is2xx);
        await eventually(
          'the gateway serves again after the promotion',
          () => load.count(is2xx) >= servedAtPromotion + SERVED,
          60_000,
          10,
        );
        await eventually(
          '/health is 200 again',
          () => health.some((h) => h.at > promotedAt && h.status === 200),
          30_000,
        );
      } finally {
        await load.stop();
        polling = false;
        await poller;
      }
      expect(gw.pid).toBe(pid); // the same process: nobody restarted it
      expect(gw.alive).toBe(true);

      await eventually(
        'every queued log intent is integrated',
        async () => (await db.sql(`SELECT 1 FROM access_log_queue`)).length === 0,
        30_000,
        50,
      );
      // Now on the promoted standby: every 2xx has its effect and entry, both ways, and the full verifier passes.
      const consistency = await checkConsistency(db, load.outcomes);
      expect(consistency.queuedIntents).toBe(0);
      const [server] = await db.sql<{ port: string; standby: boolean }>(
        `SELECT current_setting('port') AS port, pg_is_in_recovery() AS standby`,
      );
      expect({ port: Number(server.port), standby: server.standby }).toEqual({ port: db.standbyPort, standby: false });

      // `npm run log:verify` on the same two-host URL (its worker threads included) finds the promoted server and passes.
      const cli = await promisify(execFile)(
        process.execPath,
        [path.resolve('dist/scripts/log-verify.js'), '--json', '--workers', '2', '--block', '64'],
        { env: { ...process.env, DATABASE_URL: db.appUrl, DATA_DIR: dataDir }, timeout: 60_000 },
      );
      expect(JSON.parse(cli.stdout)).toMatchObject({ ok: true, entriesChecked: consistency.verifiedEntries });

      // The tree extends the checkpoint published before the kill (RFC 9162 consistency proof).
      // Checkpoints are signed on their own schedule: wait for the first one over the new primary.
      let after = await latestCheckpoint();
      await eventually(
        'a checkpoint signed after the failover',
        async () => (after = await latestCheckpoint()).treeSize > before!.treeSize,
        60_000,
        200,
      );
      expect(after.treeSize).toBeGreaterThan(before!.treeSize);
      const proof = await signedGet(`/access-log/consistency?from=${before!.treeSize}&to=${after.treeSize}`);
      expect(proof.status).toBe(200);
      const auditPath = (proof.json as { proof: string[] }).proof.map((p) => Buffer.from(p, 'base64'));
      expect(
        verifyConsistency(
          before!.treeSize,
          after.treeSize,
          Buffer.from(before!.rootHash, 'base64'),
          Buffer.from(after.rootHash, 'base64'),
          auditPath,
        ),
      ).toBe(true);

      // Refusals fail closed: 503 problem+json, never a 500 or a dropped connection.
      const refused = load.outcomes.filter((o) => !is2xx(o));
      const wrong = refused.filter((o) => o.status !== 503 || !/^application\/problem\+json/.test(o.contentType));
      if (wrong.length) process.stderr.write(`[failover] gateway output:\n${gw.output().slice(-20_000)}\n`);
      expect(wrong.map((o) => ({ kind: o.kind, status: o.status, type: o.contentType, error: o.error }))).toEqual([]);
      expect(refused.length).toBeGreaterThan(0);
      const gap = health.filter((h) => h.sentAt > killedAt && h.at < promotingAt);
      expect(gap.length).toBeGreaterThan(0);
      const healthyInGap = gap.filter((h) => h.status !== 503 || !h.problem);
      if (healthyInGap.length)
        process.stderr.write(
          `[failover] killed at ${killedAt}, promotion asked at ${promotingAt}; gateway output:\n${gw.output().slice(-20_000)}\n`,
        );
      expect(healthyInGap).toEqual([]);

      const acknowledged = load.outcomes.filter(is2xx);
      const writes = Object.fromEntries(
        (['exchange', 'case', 'assessment', 'decision'] as const).map((k) => [
          k,
          acknowledged.filter((o) => o.kind === k).length,
        ]),
      );
      const firstOk = health.find((h) => h.at > promotedAt && h.status === 200)!;
      report('failover', {
        gapMs: promotedAt - killedAt,
        healthBackMsAfterPromotion: firstOk.at - promotedAt,
        acknowledgedBeforeKill,
        acknowledged: acknowledged.length,
        acknowledgedWrites: writes,
        statuses: statusCounts(load.outcomes),
        checkpointBefore: before!.treeSize,
        checkpointAfter: after.treeSize,
        ...consistency,
      });
      // The write load ran: each kind of change was acknowledged at least once.
      expect(Object.values(writes).every((n) => n > 0)).toBe(true);
    },
    scale(180_000, 600_000),
  );
});
