import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { createAccessLogWriter } from '../../src/modules/access-log/access-log.providers.js';
import { AccessLogWriter, type AccessLogEntryInput } from '../../src/modules/access-log/index.js';
import { verifyConsistency, verifyInclusion } from '../../src/modules/access-log/domain/merkle/index.js';
import {
  Ed25519Cosigner,
  Ed25519NoteSigner,
  newEd25519Seed,
  openWitnessedCheckpoint,
  signNote,
} from '../../src/modules/access-log/domain/note/index.js';
import { startWitness, type RunningWitness } from '../../src/witness/start.js';
import {
  specParseCheckpoint,
  specSplitNote,
  specVerifyCosignatures,
  specVerifyNote,
} from '../support/c2sp-verifier.js';
import { TileClient } from '../support/tile-client.js';
import { TestGateway } from '../setup/test-app.js';
import { eventually } from '../setup/polling.js';

function anEntry(n: number): AccessLogEntryInput {
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
  };
}

async function append(gw: TestGateway, from: number, count: number): Promise<void> {
  const writer = gw.app.get(AccessLogWriter);
  await Promise.all(Array.from({ length: count }, (_, k) => writer.append(anEntry(from + k))));
}

const binary = (
  res: { on: (e: string, f: (c?: Buffer) => void) => void; setEncoding?: unknown },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c as Buffer));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('GET /log/key, /log/checkpoint and /log/tile (C2SP, no witnesses)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start({ env: { GATEWAY_ID: 'gw-test.example' } });
    await append(gw, 0, 600);
  });
  afterAll(() => gw.close());

  it('publishes the note key and a checkpoint of the same tree as the JWS checkpoint, verified from the specification alone', async () => {
    const key = await gw.http.get('/log/key');
    expect(key.status).toBe(200);
    expect(key.headers['content-type']).toMatch(/^text\/plain/);
    const vkey = key.text.trim();
    expect(vkey).toMatch(/^gw-test\.example\/access-log\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);

    const made = await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] });
    expect(made.status).toBe(200);
    const res = await gw.http.get('/log/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(specVerifyNote(res.text, vkey)).toBe(true);
    expect(specParseCheckpoint(res.text)).toEqual({
      origin: 'gw-test.example/access-log',
      size: 600,
      root: Buffer.from(made.body.rootHash, 'base64'),
    });
    // One signature line, by the log's key, named after the origin.
    expect(specSplitNote(res.text).sigs.map((s) => s.name)).toEqual(['gw-test.example/access-log']);
    expect(specVerifyNote(res.text.replace('\n600\n', '\n601\n'), vkey)).toBe(false);
    // ?size=N: the newest checkpoint of at most N entries, as with witnesses.
    expect(specParseCheckpoint((await gw.http.get('/log/checkpoint?size=601')).text).size).toBe(600);
    expect((await gw.http.get('/log/checkpoint?size=599')).status).toBe(404);
  });

  it('serves hash tiles from which a client computes the same inclusion proofs and root as the gateway', async () => {
    const size = 600;
    const client = new TileClient(async (p) => {
      const r = await gw.http.get(p).buffer(true).parse(binary);
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`);
      expect(r.headers['content-type']).toBe('application/octet-stream');
      return r.body as Buffer;
    }, size);
    const cp = specParseCheckpoint((await gw.http.get('/log/checkpoint')).text);
    expect((await client.mth(0, size)).equals(cp.root)).toBe(true);
    for (const i of [0, 255, 256, 511, 512, 599]) {
      const fromTiles = (await client.inclusionProof(i)).map((h) => h.toString('base64'));
      const served = await gw.call('GET', `/access-log/entries/${i}/proof?treeSize=${size}`, {
        org: gw.orgs['police-cleveland'],
      });
      expect(served.status).toBe(200);
      expect(fromTiles).toEqual(served.body.auditPath);
    }
    // 600 entries: two full level-0 tiles, a partial one of 88, and a partial level-1 tile of 2.
    expect(client.fetched.sort()).toEqual([
      '/log/tile/0/000',
      '/log/tile/0/001',
      '/log/tile/0/002.p/88',
      '/log/tile/1/000.p/2',
    ]);
  });

  it('marks full tiles immutable, and refuses tiles beyond the tree, malformed paths and entry bundles', async () => {
    const full = await gw.http.get('/log/tile/0/000');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await gw.http.get('/log/tile/0/002.p/88')).headers['cache-control']).toBe('public, max-age=60');
    for (const p of [
      '/log/tile/0/002',
      '/log/tile/0/002.p/89',
      '/log/tile/1/000',
      '/log/tile/0/2',
      '/log/tile/0/x000/001',
      '/log/tile/entries/000',
      '/log/tile/0/000.p/0',
      '/log/tile/0/%30%30%30',
    ]) {
      const r = await gw.http.get(p);
      expect([p, r.status, r.headers['content-type']]).toEqual([p, 404, 'application/problem+json; charset=utf-8']);
    }
    // A malformed percent-encoding is refused by the router itself, also as problem+json.
    const malformed = await gw.http.get('/log/tile/0/%E0%A4%A');
    expect([malformed.status, malformed.headers['content-type']]).toEqual([
      400,
      'application/problem+json; charset=utf-8',
    ]);
    const bad = await gw.http.get('/log/checkpoint?size=abc');
    expect(bad.status).toBe(400);
  });

  it('names the policy version (content hash of the policy files) in new entries, and log:verify checks entries with and without it', async () => {
    const h = createHash('sha256');
    for (const f of readdirSync('policies')
      .filter((x) => /\.ya?ml$/.test(x))
      .sort()) {
      const bytes = readFileSync(path.join('policies', f));
      h.update(`${f}\n${bytes.length}\n`).update(bytes);
    }
    const version = `sha256:${h.digest('hex')}`;
    const ig = { org: gw.orgs.gateway, roles: ['ig-reviewer'] };
    expect((await gw.call('GET', '/access-log/entries/0', ig)).body).toMatchObject({
      index: 0,
      policyVersion: version,
    });
    // An entry written as before the member existed (a writer outside the gateway names none).
    const old = createAccessLogWriter({ connectionString: gw.db.appUrl, maxBatch: 8, statementTimeoutMs: 5000 });
    const receipt = await old.writer.append(anEntry(600));
    await old.close();
    const oldEntry = (await gw.call('GET', `/access-log/entries/${receipt.index}`, ig)).body;
    expect(oldEntry).not.toHaveProperty('policyVersion');
    const client = new pg.Client({ connectionString: gw.db.appUrl });
    await client.connect();
    try {
      expect(await verifyAccessLog(client)).toMatchObject({ ok: true, problemCount: 0 });
    } finally {
      await client.end();
    }
  });
});

interface TestWitness {
  running: RunningWitness;
  dir: string;
}

async function aWitness(name: string, logVkey: string): Promise<TestWitness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-witness-'));
  const key = new Ed25519Cosigner(name, newEd25519Seed()).privateKeyText;
  const running = await startWitness({ name, host: '127.0.0.1', port: 0, dataDir: dir, key, logs: [logVkey] });
  return { running, dir };
}

async function stopWitness(w: TestWitness): Promise<void> {
  await w.running.close();
  rmSync(w.dir, { recursive: true, force: true });
}

describe('Witnesses (C2SP tlog-witness) cosigning the gateway checkpoints, and a forked log', () => {
  const origin = 'gw-witnessed.example/access-log';
  const logKey = new Ed25519NoteSigner(origin, newEd25519Seed());
  let gw: TestGateway;
  let witnesses: TestWitness[];
  const ig = () => ({ org: gw.orgs.gateway, roles: ['ig-reviewer'] });
  const verifyLog = async () => {
    const client = new pg.Client({ connectionString: gw.db.appUrl });
    await client.connect();
    try {
      return await verifyAccessLog(client, {
        witnesses: { origin, keys: [...witnesses.map((w) => w.running.verifierKey)] },
      });
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    witnesses = [
      await aWitness('witness.police-durham.example/w1', logKey.verifierKey),
      await aWitness('witness.crc-northumbria.example/w1', logKey.verifierKey),
    ];
    // A third witness that is down: 2 of 3 is the quorum.
    const down = new Ed25519Cosigner('witness.down.example/w1', newEd25519Seed());
    const config = [
      ...witnesses.map((w) => ({ url: w.running.url, key: w.running.verifierKey })),
      { url: 'http://127.0.0.1:9', key: down.verifierKey },
    ];
    gw = await TestGateway.start({
      env: {
        LOG_ORIGIN: origin,
        LOG_NOTE_KEY: logKey.privateKeyText,
        WITNESSES: JSON.stringify(config),
        WITNESS_QUORUM: '2',
        WITNESS_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all(witnesses.map(stopWitness));
  });

  let cosigned10: string;

  it('serves a checkpoint only once 2 of the 3 witnesses have cosigned it, each cosignature verifying under the specification', async () => {
    expect((await gw.http.get('/log/checkpoint')).status).toBe(404);
    await append(gw, 0, 5);
    expect((await gw.call('POST', '/access-log/checkpoints', ig())).status).toBe(200);
    const first = await gw.http.get('/log/checkpoint');
    expect(first.status).toBe(200);
    expect(specParseCheckpoint(first.text).size).toBe(5);
    expect(specVerifyNote(first.text, logKey.verifierKey)).toBe(true);
    for (const w of witnesses) expect(specVerifyCosignatures(first.text, w.running.verifierKey)).toHaveLength(1);

    await append(gw, 5, 5);
    await gw.call('POST', '/access-log/checkpoints', ig());
    cosigned10 = (await gw.http.get('/log/checkpoint')).text;
    expect(specParseCheckpoint(cosigned10).size).toBe(10);
    for (const w of witnesses) {
      const [t] = specVerifyCosignatures(cosigned10, w.running.verifierKey);
      expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(600);
    }
    // A recipient holding entry 7's receipt verifies it offline against the witnessed checkpoint.
    const opened = openWitnessedCheckpoint(
      cosigned10,
      logKey.verifierKey,
      [...witnesses.map((w) => w.running.verifierKey)],
      2,
    );
    const proof = (
      await gw.call('GET', `/access-log/entries/7/proof?treeSize=10`, { org: gw.orgs['police-cleveland'] })
    ).body;
    expect(
      verifyInclusion(
        7,
        10,
        Buffer.from(proof.leafHash, 'base64'),
        proof.auditPath.map((h: string) => Buffer.from(h, 'base64')),
        opened.rootHash,
      ),
    ).toBe(true);

    // ?size= gives the latest cosigned checkpoint of at most that many entries: what a receipt of entry 6 needs.
    expect(specParseCheckpoint((await gw.http.get('/log/checkpoint?size=7')).text).size).toBe(5);

    // Each witness serves what it cosigned at <sha256(origin)>/checkpoint.
    const hash = (await import('node:crypto')).createHash('sha256').update(origin).digest('hex');
    const mon = await fetch(`${witnesses[0].running.url}/${hash}/checkpoint`);
    const monText = await mon.text();
    expect(specParseCheckpoint(monText).size).toBe(10);
    expect(specVerifyCosignatures(monText, witnesses[0].running.verifierKey)).toHaveLength(1);

    const status = await gw.call('GET', '/log/witnesses', ig());
    expect(status.status).toBe(200);
    expect(
      status.body.witnesses.map((w: { name: string; lastCosignedSize: number | null; lastResult: string }) => [
        w.name,
        w.lastCosignedSize,
        w.lastResult,
      ]),
    ).toEqual([
      ['witness.police-durham.example/w1', 10, 'cosigned'],
      ['witness.crc-northumbria.example/w1', 10, 'cosigned'],
      ['witness.down.example/w1', null, 'unreachable'],
    ]);
    expect(status.body.alerts).toEqual([]);
    expect(
      (await gw.call('GET', '/log/witnesses', { org: gw.orgs['police-cleveland'], roles: ['iom-officer'] })).status,
    ).toBe(403);
    // log:verify checks the stored cosignatures against the stored checkpoints.
    expect(await verifyLog()).toMatchObject({ ok: true, cosignaturesChecked: 4, checkpointsChecked: 2 });
    const metrics = (await gw.call('GET', '/metrics', { org: gw.orgs.gateway, roles: ['gateway-admin'] })).text;
    expect(metrics).toMatch(
      /gateway_log_witness_requests_total\{witness="witness.down.example\/w1",result="unreachable"\} [1-9]/,
    );
  });

  it('answers add-checkpoint with the statuses tlog-witness names', async () => {
    const w = witnesses[0].running;
    const post = (body: string) => fetch(`${w.url}/add-checkpoint`, { method: 'POST', body });
    const text10 = specSplitNote(cosigned10).text;
    // The checkpoint as the log signed it, without the cosignatures.
    const signed10 = signNote(text10, [logKey]);
    // Wrong old size: 409 with the witness's size.
    const conflict = await post(`old 5\n\n${signed10}`);
    expect([conflict.status, conflict.headers.get('content-type'), await conflict.text()]).toEqual([
      409,
      'text/x.tlog.size',
      '10\n',
    ]);
    // Same size and root again: cosigned again.
    const again = await post(`old 10\n\n${signed10}`);
    expect(again.status).toBe(200);
    expect(specVerifyCosignatures(signed10 + (await again.text()), w.verifierKey)).toHaveLength(1);
    // Unknown origin: 404. Another key for the origin: 403. A changed signed text: 403.
    const stranger = new Ed25519NoteSigner('other.example/log', newEd25519Seed());
    expect(
      (await post(`old 0\n\n${signNote(`other.example/log\n1\n${Buffer.alloc(32).toString('base64')}\n`, [stranger])}`))
        .status,
    ).toBe(404);
    const impostor = new Ed25519NoteSigner(origin, newEd25519Seed());
    expect((await post(`old 10\n\n${signNote(text10, [impostor])}`)).status).toBe(403);
    expect((await post(`old 10\n\n${signed10.replace(/\n10\n/, '\n11\n')}`)).status).toBe(403);
    // Old size above the checkpoint's: 400. Same size, another root: 422. A proof that does not verify: 422.
    expect((await post(`old 11\n\n${signed10}`)).status).toBe(400);
    const otherRoot = signNote(`${origin}\n10\n${Buffer.alloc(32, 1).toString('base64')}\n`, [logKey]);
    const forked = await post(`old 10\n\n${otherRoot}`);
    expect([forked.status, await forked.text()]).toEqual([422, expect.stringContaining('root hash differs')]);
    // Same size and root with a proof: the proof is what is wrong, and the answer says so.
    const proofed = await post(`old 10\n${Buffer.alloc(32, 2).toString('base64')}\n\n${signed10}`);
    expect([proofed.status, await proofed.text()]).toEqual([422, expect.stringContaining('no proof may accompany')]);
    const bigger = signNote(`${origin}\n12\n${Buffer.alloc(32, 1).toString('base64')}\n`, [logKey]);
    expect((await post(`old 10\n${Buffer.alloc(32, 2).toString('base64')}\n\n${bigger}`)).status).toBe(422);
    expect((await post('not a request')).status).toBe(400);
    // None of this moved the witness: it still holds 10.
    expect(await (await post(`old 0\n\n${signed10}`)).text()).toBe('10\n');
  });

  it('warns that stored cosignatures went unchecked when log:verify is given no key for their witness', async () => {
    const client = new pg.Client({ connectionString: gw.db.appUrl });
    await client.connect();
    try {
      const report = await verifyAccessLog(client, {});
      expect(report.ok).toBe(true);
      expect(report.cosignaturesChecked).toBe(0);
      expect(report.warnings.filter((w) => w.kind === 'unchecked_cosignatures').map((w) => w.detail)).toEqual([
        expect.stringMatching(/cosignature\(s\) by witness\.crc-northumbria\.example\/w1 not verified/),
        expect.stringMatching(/cosignature\(s\) by witness\.police-durham\.example\/w1 not verified/),
      ]);
    } finally {
      await client.end();
    }
  });

  it('catches a fork: the operator rewrites an old entry, rebuilds the tree and re-signs; witnesses refuse, the gateway alerts, a partner detects it', async () => {
    const partnerHeld = specParseCheckpoint(cosigned10);
    await append(gw, 10, 2);
    // The operator (or whoever holds the database owner's role and the gateway's key) rewrites entry 3.
    const { appendLeaves, EMPTY_FRONTIER, frontierToJson, leafHash } =
      await import('../../src/modules/access-log/domain/merkle/index.js');
    const rows = await gw.sql<{ idx: string; leaf_hash: Buffer; entry: Buffer }>(
      'SELECT idx, leaf_hash, entry FROM access_log_entries ORDER BY idx',
    );
    const forged = Buffer.from(rows[3].entry.toString('utf8').replace('IOM panel 3', 'IOM panel 3 (rewritten)'));
    const leaves = rows.map((r, i) => (i === 3 ? leafHash(forged) : r.leaf_hash));
    const rebuilt = appendLeaves(EMPTY_FRONTIER, leaves);
    const tables = ['access_log_entries', 'access_log_nodes', 'access_log_checkpoints', 'access_log_head'];
    const triggers = await gw.sql<{ table: string; name: string }>(
      `SELECT c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relname = ANY($1)`,
      [tables],
    );
    for (const t of tables) await gw.sql(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    await gw.sql(`UPDATE access_log_entries SET entry = $1, leaf_hash = $2 WHERE idx = 3`, [forged, leaves[3]]);
    await gw.sql(`DELETE FROM access_log_nodes`);
    for (const n of rebuilt.newNodes.filter((x) => x.level > 0))
      await gw.sql(`INSERT INTO access_log_nodes (level, idx, hash) VALUES ($1, $2, $3)`, [n.level, n.index, n.hash]);
    await gw.sql(`UPDATE access_log_head SET frontier = $1 WHERE id = 1`, [
      JSON.stringify(frontierToJson(rebuilt.frontier)),
    ]);
    await gw.sql(`DELETE FROM access_log_checkpoints`);
    for (const t of triggers) await gw.sql(`ALTER TABLE ${t.table} ENABLE ALWAYS TRIGGER ${t.name}`);

    // The gateway signs the forked tree with its key, and asks the witnesses to cosign it.
    const made = await gw.call('POST', '/access-log/checkpoints', ig());
    expect(made.status).toBe(200);
    expect(made.body.treeSize).toBe(12);

    const status = await gw.call('GET', '/log/witnesses', ig());
    expect(
      status.body.witnesses
        .slice(0, 2)
        .map((w: { lastResult: string; lastCosignedSize: number }) => [w.lastResult, w.lastCosignedSize]),
    ).toEqual([
      ['inconsistent', 10],
      ['inconsistent', 10],
    ]);
    expect(status.body.alerts).toEqual(
      expect.arrayContaining(
        witnesses.map((w) =>
          expect.objectContaining({
            witness: w.running.verifierKey.split('+')[0],
            treeSize: 12,
            status: 422,
            reason: 'inconsistent',
          }),
        ),
      ),
    );
    expect((await gw.call('GET', '/metrics', { org: gw.orgs.gateway, roles: ['gateway-admin'] })).text).toMatch(
      /gateway_log_witness_alerts_total\{witness="witness.police-durham.example\/w1",reason="inconsistent"\} 1/,
    );
    // No checkpoint is served as witnessed: 12 never reached the quorum, and the cosigned ones were rewritten away.
    expect((await gw.http.get('/log/checkpoint')).status).toBe(404);

    // The partner holding the cosigned checkpoint of 10 checks the operator's new tree head against it.
    const latest = (await gw.call('GET', '/access-log/checkpoints/latest', { org: gw.orgs['police-cleveland'] })).body;
    const proof = (await gw.call('GET', `/access-log/consistency?from=10&to=12`, { org: gw.orgs['police-cleveland'] }))
      .body.proof as string[];
    const ok = verifyConsistency(
      10,
      12,
      partnerHeld.root,
      Buffer.from(latest.rootHash, 'base64'),
      proof.map((p) => Buffer.from(p, 'base64')),
    );
    expect(ok).toBe(false);

    // The rebuilt tree is consistent with itself, but log:verify reports the witnesses' refusals and the cosigned checkpoints that vanished.
    const report = await verifyLog();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind).sort()).toEqual([
      'cosignature',
      'cosignature',
      'cosignature',
      'cosignature',
      'witness_alert',
      'witness_alert',
    ]);
  });
});

describe('A hostile witness answering add-checkpoint', () => {
  const origin = 'gw-hostile.example/access-log';
  const logKey = new Ed25519NoteSigner(origin, newEd25519Seed());
  const future = new Ed25519Cosigner('witness.future.example/w1', newEd25519Seed());
  const flood = new Ed25519Cosigner('witness.flood.example/w1', newEd25519Seed());
  let gw: TestGateway;
  let server: http.Server;
  let floodWritten = 0;
  let floodCut = false;
  const FLOOD_BYTES = 256 * 1024 * 1024;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.url === '/future/add-checkpoint') {
          // A valid cosignature dated two days ahead: a date PostgreSQL stores, so only the
          // gateway's limit on a witness's clock (a day ahead of its own) refuses it.
          const note = body.slice(body.indexOf('\n\n') + 2);
          const text = note.slice(0, note.indexOf('\n\n') + 1);
          const twoDaysAhead = Math.floor(Date.now() / 1000) + 2 * 86_400;
          res.writeHead(200, { 'content-type': 'text/plain' }).end(future.cosign(text, twoDaysAhead) + '\n');
          return;
        }
        // An answer without end: the gateway must stop reading long before it is all sent.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.on('close', () => (floodCut = floodWritten < FLOOD_BYTES));
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const more = () => {
          while (floodWritten < FLOOD_BYTES) {
            floodWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    gw = await TestGateway.start({
      env: {
        LOG_ORIGIN: origin,
        LOG_NOTE_KEY: logKey.privateKeyText,
        WITNESSES: JSON.stringify([
          { url: `${base}/future`, key: future.verifierKey },
          { url: `${base}/flood`, key: flood.verifierKey },
        ]),
        WITNESS_QUORUM: '1',
        WITNESS_TIMEOUT_MS: '20000',
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is a bad answer, recorded as such, not a failure of the checkpoint: a cosignature dated days ahead of the gateway clock, and an answer without end (read no further than 64 KiB)', async () => {
    await append(gw, 0, 3);
    const ig = { org: gw.orgs.gateway, roles: ['ig-reviewer'] };
    expect((await gw.call('POST', '/access-log/checkpoints', ig)).status).toBe(200);
    const status = await gw.call('GET', '/log/witnesses', ig);
    expect(status.body.witnesses.map((w: { name: string; lastResult: string }) => [w.name, w.lastResult])).toEqual([
      ['witness.future.example/w1', 'bad_response'],
      ['witness.flood.example/w1', 'bad_response'],
    ]);
    expect(await gw.sql('SELECT 1 FROM access_log_cosignatures')).toEqual([]);
    await eventually('the flood is cut off', () => Promise.resolve(floodCut));
  });
});
