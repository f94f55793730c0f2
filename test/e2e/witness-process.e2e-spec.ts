import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessLogWriter } from '../../src/modules/access-log/index.js';
import { Ed25519NoteSigner, newEd25519Seed, signNote } from '../../src/modules/access-log/domain/note/index.js';
import { startNodeScript, type StartedProcess } from '../../bench/lib/spawn.js';
import { freePort } from '../setup/polling.js';
import { specParseCheckpoint, specSplitNote, specVerifyCosignatures } from '../support/c2sp-verifier.js';
import { TestGateway } from '../setup/test-app.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe('npm run witness (dist/src/witness/main.js) witnessing a running gateway', () => {
  const origin = 'gw-process.example/access-log';
  const logKey = new Ed25519NoteSigner(origin, newEd25519Seed());
  let dir: string;
  let port: number;
  let witness: StartedProcess;
  let gw: TestGateway;

  const start = async () =>
    startNodeScript({
      script: path.join(repo, 'dist/src/witness/main.js'),
      cwd: repo,
      env: {
        WITNESS_NAME: 'witness.nps.example/w1',
        WITNESS_PORT: String(port),
        WITNESS_DATA_DIR: dir,
        WITNESS_LOGS: logKey.verifierKey,
      },
      readyUrl: `http://127.0.0.1:${port}/key`,
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-witness-proc-'));
    port = await freePort();
    witness = await start();
  });
  afterAll(async () => {
    await gw?.close();
    await witness?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its key, cosigns the gateway checkpoints, and keeps its state across a restart', async () => {
    const vkey = (await (await fetch(`http://127.0.0.1:${port}/key`)).text()).trim();
    expect(vkey).toMatch(/^witness\.nps\.example\/w1\+[0-9a-f]{8}\+/);
    expect(readFileSync(path.join(dir, 'witness.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+witness\.nps\.example\/w1\+/);

    gw = await TestGateway.start({
      env: {
        LOG_ORIGIN: origin,
        LOG_NOTE_KEY: logKey.privateKeyText,
        WITNESSES: JSON.stringify([{ url: `http://127.0.0.1:${port}`, key: vkey }]),
      },
    });
    const writer = gw.app.get(AccessLogWriter);
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 3 }, (_, n) =>
          writer.append({
            actor: { org: 'police-durham', sub: `user:${round}-${n}`, roles: ['iom-officer'] },
            action: 'case.summary',
            resource: { type: 'case', id: 'X123456' },
            reasons: ['rule:test'],
            decision: 'ALLOW',
            requestId: `r-${round}-${n}`,
          }),
        ),
      );
      expect(
        (await gw.call('POST', '/access-log/checkpoints', { org: gw.orgs.gateway, roles: ['ig-reviewer'] })).status,
      ).toBe(200);
    }
    const note = (await gw.http.get('/log/checkpoint')).text;
    expect(specParseCheckpoint(note).size).toBe(6);
    expect(specVerifyCosignatures(note, vkey)).toHaveLength(1);

    await witness.stop();
    witness = await start();
    // Restarted, it still holds 6: a request from 0 is answered with its size.
    const res = await fetch(`http://127.0.0.1:${port}/add-checkpoint`, {
      method: 'POST',
      body: `old 0\n\n${signNote(specSplitNote(note).text, [logKey])}`,
    });
    expect([res.status, await res.text()]).toEqual([409, '6\n']);
    expect((await (await fetch(`http://127.0.0.1:${port}/key`)).text()).trim()).toBe(vkey);
  });
});
