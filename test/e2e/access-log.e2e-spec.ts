import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import pg from 'pg';
import { canonicalJson } from '../../src/shared/crypto/canonical-json.js';
import {
  AccessLogWriter,
  type AccessLogEntryInput,
  type AccessLogReceipt,
} from '../../src/modules/access-log/index.js';
import { verifyConsistency, verifyInclusion } from '../../src/modules/access-log/domain/merkle/index.js';
import { createAccessLogWriter } from '../../src/modules/access-log/access-log.providers.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  jws: string;
}

const b64 = (s: string) => Buffer.from(s, 'base64');

/** RFC 9162 leaf hash, computed here from the RFC rather than with the gateway's code. */
const leafHashOf = (bytes: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest();

function anEntry(n: number, o: Partial<AccessLogEntryInput> = {}): AccessLogEntryInput {
  return {
    actor: { org: 'police-cleveland', sub: `user:pc-${n}`, roles: ['iom-officer'] },
    action: 'case.summary',
    resource: { type: 'case', id: 'X123456' },
    crn: 'X123456',
    purpose: 'IOM',
    reason: `IOM panel ${n}`,
    decision: 'ALLOW',
    reasons: ['rule:iom-summary'],
    fieldsReleased: ['tier'],
    recipientOrg: 'police-cleveland',
    ownerOrg: 'nps-north-east',
    requestId: `req-${n}`,
    ...o,
  };
}

/** Verifies a checkpoint's JWS with the gateway's published keys, as a partner would. */
async function verifyCheckpoint(gw: TestGateway, cp: Checkpoint): Promise<void> {
  const jwks = (await gw.http.get('/.well-known/jwks.json')).body as JSONWebKeySet;
  const { payload, protectedHeader } = await compactVerify(cp.jws, createLocalJWKSet(jwks), {
    algorithms: ['ES256', 'EdDSA'],
  });
  expect(protectedHeader.typ).toBe('log-checkpoint+jwt');
  expect(Buffer.from(payload).toString('utf8')).toBe(
    canonicalJson({ rootHash: cp.rootHash, timestamp: cp.timestamp, treeSize: cp.treeSize }),
  );
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

describe('Scheduled checkpoints (CHECKPOINT_INTERVAL_MS)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start({ env: { CHECKPOINT_INTERVAL_MS: '100' } });
  });
  afterAll(() => gw.close());

  const sizes = async () =>
    (await gw.sql<{ tree_size: string }>('SELECT tree_size FROM access_log_checkpoints ORDER BY tree_size')).map((r) =>
      Number(r.tree_size),
    );
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await check()).toBe(true);
  };

  it('signs a checkpoint soon after the log grows, and none while it does not', async () => {
    await gw.app.get(AccessLogWriter).append(anEntry(1));
    await until(async () => (await sizes()).includes(1));
    await Promise.all([2, 3, 4].map((n) => gw.app.get(AccessLogWriter).append(anEntry(n))));
    await until(async () => (await sizes()).includes(4));
    const made = await sizes();
    // Several intervals pass without growth: nothing new is signed.
    await new Promise((r) => setTimeout(r, 400));
    expect(await sizes()).toEqual(made);
    const latest = (await gw.call('GET', '/access-log/checkpoints/latest', { org: gw.orgs['crc-northumbria'] }))
      .body as Checkpoint;
    expect(latest.treeSize).toBe(4);
    await verifyCheckpoint(gw, latest);
  });
});

describe('Several gateway instances appending to one database', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  it('keeps indices gap-free and the tree whole: the head-row lock serialises their batches', async () => {
    const instances = [0, 1, 2].map(() =>
      createAccessLogWriter({ connectionString: gw.db.appUrl, maxBatch: 64, statementTimeoutMs: 5000 }),
    );
    try {
      const receipts = await Promise.all(
        Array.from({ length: 900 }, (_, n) => instances[n % 3].writer.append(anEntry(n))),
      );
      expect(receipts.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 900 }, (_, i) => i));
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
    const client = new pg.Client({ connectionString: gw.db.appUrl });
    await client.connect();
    try {
      expect(await verifyAccessLog(client)).toMatchObject({ ok: true, treeSize: 900, nodesChecked: 900 - 4 });
    } finally {
      await client.end();
    }
  });
});

describe('AccessLogWriter under concurrency, with GET /access-log/entries/{index}/proof and checkpoints', () => {
  let gw: TestGateway;
  let partner: TestOrg;
  beforeAll(async () => {
    gw = await TestGateway.start();
    partner = gw.orgs['police-cleveland'];
  });
  afterAll(() => gw.close());

  it('gives 2,000 concurrent appends the indices 0..1999 exactly once, each provably in a signed checkpoint', async () => {
    const writer = gw.app.get(AccessLogWriter);
    expect((await gw.sql<{ size: string }>('SELECT size FROM access_log_head'))[0].size).toBe('0');
    const receipts: AccessLogReceipt[] = await Promise.all(
      Array.from({ length: 2000 }, (_, n) => writer.append(anEntry(n))),
    );

    expect(receipts.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const stored = await gw.sql<{ idx: string; leaf_hash: Buffer; entry: Buffer }>(
      'SELECT idx, leaf_hash, entry FROM access_log_entries ORDER BY idx',
    );
    expect(stored).toHaveLength(2000);
    for (const r of receipts) {
      const row = stored[r.index];
      expect(row.leaf_hash.toString('base64')).toBe(r.leafHash);
      expect(leafHashOf(row.entry).toString('base64')).toBe(r.leafHash);
      expect(JSON.parse(row.entry.toString('utf8'))).toMatchObject({ index: r.index, timestamp: r.timestamp });
    }
    // Timestamps never go back as indices grow.
    const times = [...receipts].sort((a, b) => a.index - b.index).map((r) => r.timestamp);
    expect([...times].sort()).toEqual(times);

    const made = await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] });
    expect(made.status).toBe(200);
    const cp = made.body as Checkpoint;
    expect(cp.treeSize).toBe(2000);
    await verifyCheckpoint(gw, cp);
    const latest = await gw.call('GET', '/access-log/checkpoints/latest', { org: partner, roles: ['system'] });
    expect(latest.body).toEqual(cp);

    await inBatches(receipts, 16, async (r) => {
      const res = await gw.call('GET', `/access-log/entries/${r.index}/proof?treeSize=${cp.treeSize}`, {
        org: partner,
        roles: ['system'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ index: r.index, treeSize: 2000, leafHash: r.leafHash });
      const ok = verifyInclusion(
        r.index,
        cp.treeSize,
        b64(r.leafHash),
        (res.body.auditPath as string[]).map(b64),
        b64(cp.rootHash),
      );
      if (!ok) throw new Error(`inclusion proof of entry ${r.index} does not verify`);
    });
  }, 120_000);

  it('proves the log only grew between two signed checkpoints', async () => {
    const writer = gw.app.get(AccessLogWriter);
    const first = (await gw.call('GET', '/access-log/checkpoints/latest', { org: partner })).body as Checkpoint;
    await Promise.all(Array.from({ length: 37 }, (_, n) => writer.append(anEntry(5000 + n))));
    const second = (await gw.call('POST', '/access-log/checkpoints', { org: partner, roles: ['system'] }))
      .body as Checkpoint;
    expect(second.treeSize).toBe(first.treeSize + 37);
    await verifyCheckpoint(gw, second);

    const res = await gw.call('GET', `/access-log/consistency?from=${first.treeSize}&to=${second.treeSize}`, {
      org: partner,
    });
    expect(res.status).toBe(200);
    expect(
      verifyConsistency(
        first.treeSize,
        second.treeSize,
        b64(first.rootHash),
        b64(second.rootHash),
        (res.body.proof as string[]).map(b64),
      ),
    ).toBe(true);
    expect(
      verifyConsistency(
        first.treeSize,
        second.treeSize,
        b64(second.rootHash),
        b64(second.rootHash),
        (res.body.proof as string[]).map(b64),
      ),
    ).toBe(false);

    const old = await gw.call('GET', `/access-log/checkpoints/${first.treeSize}`, { org: partner });
    expect(old.body).toEqual(first);
    expect((await gw.call('GET', '/access-log/checkpoints/999999', { org: partner })).status).toBe(404);
    // Nothing new to sign: the same checkpoint comes back.
    expect((await gw.call('POST', '/access-log/checkpoints', { org: partner, roles: ['system'] })).body).toEqual(
      second,
    );
  });

  it('refuses proofs for trees or entries the log does not have', async () => {
    const size = Number((await gw.sql<{ size: string }>('SELECT size FROM access_log_head'))[0].size);
    const call = (path: string) => gw.call('GET', path, { org: partner });
    const fieldOf = (res: { body: { errors?: { field: string }[] } }) => res.body.errors?.map((e) => e.field);

    expect((await call(`/access-log/entries/${size}/proof?treeSize=${size}`)).status).toBe(404);
    let res = await call(`/access-log/entries/0/proof?treeSize=${size + 1}`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['treeSize']]);
    res = await call(`/access-log/entries/5/proof?treeSize=5`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['treeSize']]);
    res = await call(`/access-log/entries/5/proof`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['treeSize']]);
    res = await call(`/access-log/entries/-1/proof?treeSize=5`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['index']]);
    res = await call(`/access-log/consistency?from=0&to=5`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['from']]);
    res = await call(`/access-log/consistency?from=6&to=5`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['from']]);
    res = await call(`/access-log/consistency?from=1&to=${size + 1}`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['to']]);
    res = await call(`/access-log/consistency?from=1&to=x`);
    expect([res.status, fieldOf(res)]).toEqual([400, ['to']]);
    expect((await gw.http.get('/access-log/checkpoints/latest')).status).toBe(401);
  });
});
