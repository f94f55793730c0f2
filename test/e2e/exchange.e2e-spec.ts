import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { canonicalJson } from '../../src/shared/crypto/canonical-json.js';
import { verifyInclusion } from '../../src/modules/access-log/domain/merkle/index.js';
import { jest } from '@jest/globals';
import { dueBy } from '../../src/modules/exchange/domain/deadlines.js';
import { ReplayStore } from '../../src/shared/auth/replay.store.js';
import { ExchangeRequestRepository } from '../../src/modules/exchange/domain/exchange-request.repository.port.js';
import { activeAgreement, agreementTerms, signatory } from '../factories/agreement.factory.js';
import { aCase, exchangeLogEntries, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { statementsRunBy } from '../support/prepared-statements.js';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const DAY = 86_400_000;

/** Waits for a condition an event handler brings about (handlers are not awaited by the publisher). */
async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/exchange-requests', () => {
  let gw: TestGateway;
  let police: TestOrg;
  let nps: TestOrg;
  let iomAgreement: string;
  const policeOfficer = () => ({ org: police, roles: ['iom-officer'], sub: 'user:pc-101', reason: 'IOM panel' });
  const npsDataOwner = () => ({ org: nps, roles: ['data-owner'], sub: 'user:nps-do-1' });

  beforeAll(async () => {
    gw = await TestGateway.start();
    police = gw.orgs['police-cleveland'];
    nps = gw.orgs['nps-north-east'];
    iomAgreement = await activeAgreement(
      gw,
      agreementTerms({
        dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS', 'LICENCE_CONDITIONS'],
        retentionDays: 730,
      }),
    );
    // X100001: an NPS case outside Cleveland's IOM cohort (no rule releases it to the police).
    await aCase(gw, 'X100001');
    // X100002: in Cleveland's IOM cohort (the IOM policy releases RoSH and needs to its officers).
    await aCase(gw, 'X100002', { iom: { cohort: true, force: 'cleveland' } });
  });
  afterAll(() => gw.close());

  it('police request -> NPS data owner approves -> police fetch a bundle they verify with the JWKS and an RFC 9162 inclusion proof', async () => {
    const jws = await requestJws(
      police,
      requestClaims(iomAgreement, { crn: 'X100001', dataCategories: ['IDENTITY', 'ROSH', 'NEEDS'] }),
    );
    const sentAt = Date.now();
    const created = await submit(gw, `${jws}\n`, policeOfficer());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), status: 'SUBMITTED', dueBy: expect.any(String) });
    const id: string = created.body.id;
    expect(created.headers.location).toBe(`/exchange-requests/${id}`);
    // ROUTINE: 10 working days (Monday to Friday) later, at the same time of day.
    const due = new Date(created.body.dueBy);
    expect(due.getTime() - sentAt).toBeGreaterThanOrEqual(12 * DAY);
    expect(due.getTime() - sentAt).toBeLessThanOrEqual(16 * DAY);
    expect([0, 6]).not.toContain(due.getUTCDay());
    const { submittedAt } = (await gw.call('GET', `/exchange-requests/${id}`, policeOfficer())).body;
    expect(created.body.dueBy).toBe(dueBy(new Date(submittedAt), 'ROUTINE').toISOString());
    // Kept exactly as received, trailing newline included.
    expect(
      (await gw.sql<{ request_jws: string }>('SELECT request_jws FROM exchange_requests WHERE id = $1', [id]))[0]
        .request_jws,
    ).toBe(`${jws}\n`);

    // Each side sees it in its own list; nothing to fetch yet.
    const incoming = await gw.call('GET', '/exchange-requests?direction=incoming&status=SUBMITTED', npsDataOwner());
    expect(incoming.status).toBe(200);
    expect(incoming.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(incoming.body.items[0]).toMatchObject({
      requester: 'police-cleveland',
      provider: 'nps-north-east',
      crn: 'X100001',
      status: 'SUBMITTED',
      overdue: false,
    });
    const outgoing = await gw.call('GET', '/exchange-requests?direction=outgoing', policeOfficer());
    expect(outgoing.body.items.map((r: { id: string }) => r.id)).toContain(id);
    expect((await gw.call('GET', '/exchange-requests?direction=incoming', policeOfficer())).body.items).toEqual([]);
    expect((await gw.call('GET', `/exchange-requests/${id}/response`, policeOfficer())).status).toBe(409);

    // Only the provider's data owner decides.
    expect(
      (
        await gw.call(
          'POST',
          `/exchange-requests/${id}/decision`,
          { org: police, roles: ['data-owner'] },
          { decision: 'APPROVE', reason: 'mine' },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await gw.call(
          'POST',
          `/exchange-requests/${id}/decision`,
          { org: gw.orgs['crc-northumbria'], roles: ['data-owner'] },
          { decision: 'APPROVE', reason: 'x' },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await gw.call(
          'POST',
          `/exchange-requests/${id}/decision`,
          { org: nps, roles: ['offender-manager'] },
          { decision: 'APPROVE', reason: 'x' },
        )
      ).status,
    ).toBe(403);
    expect(
      (await gw.call('POST', `/exchange-requests/${id}/decision`, npsDataOwner(), { decision: 'MAYBE', reason: 'x' }))
        .status,
    ).toBe(400);

    const approved = await gw.call('POST', `/exchange-requests/${id}/decision`, npsDataOwner(), {
      decision: 'APPROVE',
      reason: 'Proportionate: active IOM targeting',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ id, status: 'FULFILLED', reason: 'Proportionate: active IOM targeting' });
    expect(
      (
        await gw.call('POST', `/exchange-requests/${id}/decision`, npsDataOwner(), {
          decision: 'REFUSE',
          reason: 'changed my mind',
        })
      ).status,
    ).toBe(409);

    // The provider cannot fetch the requester's bundle; the requester gets the same bytes every time.
    expect(
      (await gw.call('GET', `/exchange-requests/${id}/response`, { org: nps, roles: ['data-owner'], reason: 'check' }))
        .status,
    ).toBe(404);
    // An outsider probing by id learns nothing, not even through its own IG's view of the log:
    // another organisations' request and an id no request has give the same answer and entry.
    const outsider = { org: gw.orgs['crc-northumbria'], roles: ['system'], reason: 'probe' };
    const probes = [];
    for (const probed of [id, randomUUID()]) {
      const res = await gw.call('GET', `/exchange-requests/${probed}/response`, outsider);
      const [entry] = (
        await gw.call('GET', '/access-log?action=exchange.response.read&limit=1', {
          org: gw.orgs['crc-northumbria'],
          roles: ['ig-reviewer'],
        })
      ).body.entries as Record<string, unknown>[];
      expect(entry.resource).toEqual({ type: 'exchange-request', id: probed });
      const { index: _i, timestamp: _t, requestId: _r, jti: _j, leafHash: _l, resource: _res, ...rest } = entry;
      probes.push({ status: res.status, body: { ...res.body, requestId: '' }, entry: rest });
    }
    expect(probes[0].status).toBe(404);
    expect(probes[1]).toEqual(probes[0]);
    expect(probes[0].entry).toMatchObject({
      action: 'exchange.response.read',
      decision: 'DENY',
      crn: null,
      purpose: null,
      reason: 'probe',
      ownerOrg: null,
      reasons: ['not_found'],
      redacted: true,
    });
    expect(probes[0].entry).not.toHaveProperty('salt');
    // The provider's IG sees who probed its request.
    const seenByOwner = (
      await gw.call('GET', '/access-log?action=exchange.response.read&limit=5', {
        org: nps,
        roles: ['ig-reviewer'],
      })
    ).body.entries as Record<string, unknown>[];
    expect(seenByOwner.find((e) => (e.actor as { org: string }).org === 'crc-northumbria')).toMatchObject({
      ownerOrg: 'nps-north-east',
      reasons: ['not_found', 'not a party to the request'],
      resource: { type: 'exchange-request', id },
    });
    const res = await gw.call('GET', `/exchange-requests/${id}/response`, policeOfficer());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jose/);
    const bundleJws = res.text;
    expect((await gw.call('GET', `/exchange-requests/${id}/response`, policeOfficer())).text).toBe(bundleJws);

    // 1. The signature, with nothing but the published JWKS.
    const jwks = (await gw.http.get('/.well-known/jwks.json')).body as JSONWebKeySet;
    const { payload, protectedHeader } = await compactVerify(bundleJws, createLocalJWKSet(jwks), {
      algorithms: ['ES256', 'EdDSA'],
    });
    expect(protectedHeader.typ).toBe('exchange-response+jwt');
    const text = new TextDecoder().decode(payload);
    const bundle = JSON.parse(text);
    expect(canonicalJson(bundle)).toBe(text);
    expect(bundle).toMatchObject({
      requestId: id,
      crn: 'X100001',
      purpose: 'IOM',
      agreementId: iomAgreement,
      agreementVersion: 1,
      provider: 'nps-north-east',
      recipient: 'police-cleveland',
    });
    expect(new Date(bundle.retainUntil).getTime() - new Date(bundle.issuedAt).getTime()).toBe(730 * DAY);

    // The data: requested categories the agreement covers (identity, RoSH, needs), nothing else.
    expect(bundle.data.person).toEqual({
      givenName: 'Alex',
      familyName: 'Example',
      dateOfBirth: '1990-04-12',
      pncId: '2004/0012345A',
    });
    expect(bundle.data.rosh.overall).toBe('HIGH');
    expect(bundle.data.needs).toHaveLength(10);
    expect(bundle.data.needs[0].notes).toBe('practitioner note');
    expect(Object.keys(bundle.data).sort()).toEqual(['managingOrg', 'needs', 'person', 'rosh']);
    expect(bundle.fieldsWithheld).toEqual(
      expect.arrayContaining([
        'tier',
        'scores.ogrs3TwoYear',
        'licenceConditions',
        'sensitive.health',
        'sensitive.victims',
        'mappa.level',
      ]),
    );
    expect(bundle.fieldsWithheld).not.toContain('rosh');

    // 2. The receipt: the release's log entry, provably in a signed checkpoint (RFC 9162).
    const { index, leafHash } = bundle.receipt;
    const cp = (
      await gw.call('POST', '/access-log/checkpoints', { org: police, roles: ['system'], sub: 'system:iom-tool' })
    ).body;
    expect(cp.treeSize).toBeGreaterThan(index);
    const latest = await gw.call('GET', '/access-log/checkpoints/latest', policeOfficer());
    expect(latest.body).toEqual(cp);
    const cpPayload = await compactVerify(cp.jws, createLocalJWKSet(jwks), { algorithms: ['ES256', 'EdDSA'] });
    expect(decodeProtectedHeader(cp.jws).typ).toBe('log-checkpoint+jwt');
    expect(new TextDecoder().decode(cpPayload.payload)).toBe(
      canonicalJson({ rootHash: cp.rootHash, timestamp: cp.timestamp, treeSize: cp.treeSize }),
    );
    const proof = await gw.call('GET', `/access-log/entries/${index}/proof?treeSize=${cp.treeSize}`, policeOfficer());
    expect(proof.status).toBe(200);
    expect(proof.body.leafHash).toBe(leafHash);
    expect(verifyInclusion(index, cp.treeSize, b64(leafHash), proof.body.auditPath.map(b64), b64(cp.rootHash))).toBe(
      true,
    );
    // A receipt with another leaf hash would not verify.
    const forged = b64(leafHash);
    forged[0] ^= 1;
    expect(verifyInclusion(index, cp.treeSize, forged, proof.body.auditPath.map(b64), b64(cp.rootHash))).toBe(false);

    // The same checks with the standalone script of the README, from files only.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    const files = {
      bundle: bundleJws,
      jwks: JSON.stringify(jwks),
      checkpoint: JSON.stringify(cp),
      proof: JSON.stringify(proof.body),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    const args = Object.keys(files).flatMap((name) => [`--${name}`, path.join(dir, name)]);
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/scripts/verify-bundle.js', ...args]);
    expect(stdout).toMatch(/inclusion proof: OK[\s\S]*VERIFIED/);
    const wrongPath = proof.body.auditPath.map((h: string, i: number) =>
      i === 0 ? Buffer.from(b64(h).map((x, j) => (j === 0 ? x ^ 1 : x))).toString('base64') : h,
    );
    writeFileSync(path.join(dir, 'proof'), JSON.stringify({ ...proof.body, auditPath: wrongPath }));
    await expect(promisify(execFile)(process.execPath, ['dist/scripts/verify-bundle.js', ...args])).rejects.toThrow(
      /NOT VERIFIED: the inclusion proof/,
    );
    // A proof whose path holds something other than hashes is named as not a proof, not a crash.
    writeFileSync(path.join(dir, 'proof'), JSON.stringify({ ...proof.body, auditPath: [123] }));
    await expect(promisify(execFile)(process.execPath, ['dist/scripts/verify-bundle.js', ...args])).rejects.toThrow(
      /NOT VERIFIED: .*proof.* is not/,
    );
    // The same receipt against the C2SP checkpoint note of that size and the log's note key.
    writeFileSync(path.join(dir, 'proof'), JSON.stringify(proof.body));
    writeFileSync(path.join(dir, 'note'), (await gw.http.get(`/log/checkpoint?size=${cp.treeSize}`)).text);
    const logKey = (await gw.http.get('/log/key')).text.trim();
    const noteArgs = [
      '--bundle',
      path.join(dir, 'bundle'),
      '--jwks',
      path.join(dir, 'jwks'),
      '--note',
      path.join(dir, 'note'),
      '--log-key',
      logKey,
      '--proof',
      path.join(dir, 'proof'),
    ];
    expect(
      (await promisify(execFile)(process.execPath, ['dist/scripts/verify-bundle.js', ...noteArgs])).stdout,
    ).toMatch(
      // No witness required: the log's own signature is what holds, and the tool says so.
      /checkpoint note: OK[\s\S]*witnesses: none required[\s\S]*inclusion proof: OK \(the release is in the signed log\)\nVERIFIED/,
    );
    // A witness the recipient requires has not cosigned it.
    const witnessKey = 'witness.example/w1+1cdb1282+BLoAKmsVdxGRsp8WvtoUjeMk+u5SWNP5Ys8/3RviDpoK';
    await expect(
      promisify(execFile)(process.execPath, ['dist/scripts/verify-bundle.js', ...noteArgs, '--witness', witnessKey]),
    ).rejects.toThrow(/NOT VERIFIED: checkpoint note: 0 of the trusted witnesses/);
    rmSync(dir, { recursive: true, force: true });

    // The entry at that index is the release, and its bytes hash to the receipt's leaf hash.
    const [row] = await gw.sql<{ entry: Buffer }>('SELECT entry FROM access_log_entries WHERE idx = $1', [index]);
    expect(
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(row.entry)
        .digest('base64'),
    ).toBe(leafHash);
    const released = JSON.parse(row.entry.toString('utf8'));
    expect(released).toMatchObject({
      action: 'exchange.release',
      decision: 'ALLOW',
      ownerOrg: 'nps-north-east',
      recipientOrg: 'police-cleveland',
      crn: 'X100001',
      agreement: { id: iomAgreement, version: 1 },
    });
    expect(released.fieldsReleased).toEqual(bundle.fieldsReleased);

    // Every step is in the log, in order: submission, decision, release, two reads (and the refused reads).
    const actions = (await exchangeLogEntries(gw, id)).map((e) => `${e.action}:${e.decision}:${e.actor.org}`);
    expect(actions).toEqual([
      'exchange.submit:ALLOW:police-cleveland',
      'exchange.response.read:DENY:police-cleveland',
      'exchange.decide:ALLOW:nps-north-east',
      'exchange.release:ALLOW:nps-north-east',
      'exchange.response.read:DENY:nps-north-east',
      'exchange.response.read:DENY:crc-northumbria',
      'exchange.response.read:ALLOW:police-cleveland',
      'exchange.response.read:ALLOW:police-cleveland',
    ]);
  });

  it('approves and fulfils at once a request the policies already allow (an IOM cohort case)', async () => {
    const jws = await requestJws(
      police,
      requestClaims(iomAgreement, { crn: 'X100002', dataCategories: ['ROSH', 'NEEDS'], urgency: 'URGENT' }),
    );
    const created = await submit(gw, jws, { ...policeOfficer(), sub: 'user:pc-102' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('FULFILLED');
    const res = await gw.call('GET', `/exchange-requests/${created.body.id}/response`, policeOfficer());
    const bundle = JSON.parse(Buffer.from(res.text.split('.')[1], 'base64url').toString('utf8'));
    // Only what was asked for, and only what the IOM policy releases (needs without notes).
    expect(Object.keys(bundle.data).sort()).toEqual(['needs', 'rosh']);
    expect(bundle.data.needs[0]).not.toHaveProperty('notes');
    expect(bundle.fieldsReleased).toEqual(['rosh', 'needs']);
    const detail = await gw.call('GET', `/exchange-requests/${created.body.id}`, npsDataOwner());
    expect(detail.body).toMatchObject({
      status: 'FULFILLED',
      decidedBy: { org: 'gateway', sub: 'system:exchange' },
      urgency: 'URGENT',
      requestJws: jws,
    });
    expect(new Date(detail.body.dueBy).getTime() - new Date(detail.body.submittedAt).getTime()).toBe(DAY);
    expect((await exchangeLogEntries(gw, created.body.id)).map((e) => e.action)).toEqual([
      'exchange.submit',
      'exchange.release',
      'exchange.response.read',
    ]);
  });

  it('asks PostgreSQL for no case and no request of its own where the token claim read them, as stored', async () => {
    const repo = gw.app.get(ExchangeRequestRepository);
    const found: unknown[] = [];
    const find = repo.findById.bind(repo);
    const finds = jest.spyOn(repo, 'findById').mockImplementation(async (id) => {
      const r = await find(id);
      found.push(r?.state ?? null);
      return r;
    });
    let id = '';
    const statements = await statementsRunBy(async () => {
      const jws = await requestJws(police, requestClaims(iomAgreement, { crn: 'X100002', dataCategories: ['ROSH'] }));
      const created = await submit(gw, jws, policeOfficer());
      expect(`${created.status} ${created.body.status}`).toBe('201 FULFILLED');
      id = created.body.id as string;
      expect((await gw.call('GET', `/exchange-requests/${id}/response`, policeOfficer())).status).toBe(200);
      expect((await gw.call('GET', `/exchange-requests/${id}`, npsDataOwner())).status).toBe(200);
      expect((await gw.call('GET', `/exchange-requests/${randomUUID()}/response`, policeOfficer())).status).toBe(404);
    }).finally(() => finds.mockRestore());
    expect(statements).not.toContain('cases.load-with-latest-assessment');
    expect(statements).not.toContain('exchange.find-by-id');
    // What the claims read (as JSON) is what a read of its own answers, dates as dates.
    const stored = (await repo.findById(id))?.state;
    expect(stored?.release?.at).toBeInstanceOf(Date);
    expect(found).toEqual([stored, stored, null]);
  });

  it('has the token claim read nothing for a caller whose roles the route refuses', async () => {
    const replay = gw.app.get(ReplayStore);
    const claims = jest.spyOn(replay, 'claim');
    const id = randomUUID();
    try {
      const signatory = { ...policeOfficer(), roles: ['dsa-signatory'] };
      expect((await gw.call('GET', `/exchange-requests/${id}/response`, signatory)).status).toBe(403);
      expect((await gw.call('GET', `/exchange-requests/${id}/response`, policeOfficer())).status).toBe(404);
      expect(claims.mock.calls.map((c) => c[3])).toEqual([undefined, { name: 'exchange-request', key: id }]);
    } finally {
      claims.mockRestore();
    }
  });

  it('refuses at once, saying which, a request the named agreement does not cover', async () => {
    const health = await submit(
      gw,
      await requestJws(police, requestClaims(iomAgreement, { dataCategories: ['ROSH', 'HEALTH'] })),
      policeOfficer(),
    );
    expect(health.status).toBe(201);
    expect(health.body).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('data category HEALTH') });
    expect(health.body.reason).not.toContain('ROSH');
    const mappa = await submit(
      gw,
      await requestJws(police, requestClaims(iomAgreement, { purpose: 'MAPPA' })),
      policeOfficer(),
    );
    expect(mappa.body).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('purpose MAPPA') });
    const [entry] = await exchangeLogEntries(gw, health.body.id);
    expect(entry).toMatchObject({
      action: 'exchange.submit',
      decision: 'DENY',
      ownerOrg: 'nps-north-east',
      recipientOrg: 'police-cleveland',
    });
    expect(entry.reasons.join(' ')).toContain('HEALTH');
    expect((await gw.call('GET', `/exchange-requests/${health.body.id}/response`, policeOfficer())).status).toBe(409);
  });

  it("refuses with the data owner's reason, and releases nothing", async () => {
    const created = await submit(gw, await requestJws(police, requestClaims(iomAgreement)), policeOfficer());
    const refused = await gw.call('POST', `/exchange-requests/${created.body.id}/decision`, npsDataOwner(), {
      decision: 'REFUSE',
      reason: 'Not proportionate',
    });
    expect(refused.body).toEqual({ id: created.body.id, status: 'REFUSED', reason: 'Not proportionate' });
    const res = await gw.call('GET', `/exchange-requests/${created.body.id}/response`, policeOfficer());
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Not proportionate');
    expect((await exchangeLogEntries(gw, created.body.id)).map((e) => `${e.action}:${e.decision}`)).toEqual([
      'exchange.submit:ALLOW',
      'exchange.decide:DENY',
      'exchange.response.read:DENY',
    ]);
  });

  it('releases nothing of a restricted case, approved or not: the data owner is told to refuse', async () => {
    await aCase(gw, 'X100009', { restricted: true, iom: { cohort: true, force: 'cleveland' } });
    const created = await submit(gw, await requestJws(police, requestClaims(iomAgreement, { crn: 'X100009' })), {
      ...policeOfficer(),
      sub: 'user:pc-109',
    });
    expect(created.status).toBe(201);
    // Not approved at once (to the police the case does not exist), so it waits for the data owner.
    expect(created.body.status).toBe('SUBMITTED');
    const approved = await gw.call('POST', `/exchange-requests/${created.body.id}/decision`, npsDataOwner(), {
      decision: 'APPROVE',
      reason: 'Proportionate',
    });
    expect(approved.status).toBe(409);
    expect(approved.body.type).toBe('urn:probation-gateway:problem:exchange_case_restricted');
    expect((await gw.call('GET', `/exchange-requests/${created.body.id}`, policeOfficer())).body.status).toBe(
      'SUBMITTED',
    );
    expect((await exchangeLogEntries(gw, created.body.id)).map((e) => e.action)).toEqual(['exchange.submit']);
  });

  it('needs the token reason to submit a request or fetch a response (400 naming it)', async () => {
    const jws = await requestJws(police, requestClaims(iomAgreement, { crn: 'X100002' }));
    const noReason = await submit(gw, jws, { ...policeOfficer(), reason: undefined } as never);
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({
      type: 'urn:probation-gateway:problem:reason_required',
      errors: [{ field: 'reason' }],
    });
    const created = await submit(gw, jws, policeOfficer());
    expect(created.body.status).toBe('FULFILLED');
    const { reason: _r, ...withoutReason } = policeOfficer();
    const fetched = await gw.call('GET', `/exchange-requests/${created.body.id}/response`, withoutReason);
    expect(fetched.status).toBe(400);
    expect(fetched.body).toMatchObject({
      type: 'urn:probation-gateway:problem:reason_required',
      errors: [{ field: 'reason' }],
    });
  });

  it('refuses the open requests of an agreement terminated while they wait, each logged', async () => {
    const recall = await activeAgreement(
      gw,
      agreementTerms({
        title: 'Recall information',
        purposes: ['RECALL'],
        dataCategories: ['ROSH', 'LICENCE_CONDITIONS'],
      }),
    );
    const open = [];
    for (let i = 0; i < 2; i++) {
      const r = await submit(
        gw,
        await requestJws(
          police,
          requestClaims(recall, { purpose: 'RECALL', dataCategories: ['LICENCE_CONDITIONS'], urgency: 'URGENT' }),
        ),
        policeOfficer(),
      );
      expect(r.body.status).toBe('SUBMITTED');
      open.push(r.body.id as string);
    }
    const terminated = await gw.call('POST', `/agreements/${recall}/terminate`, signatory(nps), {
      reason: 'Replaced by the regional recall protocol',
    });
    expect(terminated.status).toBe(200);
    for (const id of open) {
      const r = await eventually(
        () => gw.call('GET', `/exchange-requests/${id}`, policeOfficer()),
        (x) => x.body.status !== 'SUBMITTED',
      );
      expect(r.body).toMatchObject({
        status: 'REFUSED',
        reason: expect.stringMatching(/terminated by nps-north-east: Replaced by the regional recall protocol/),
        decidedBy: { org: 'gateway' },
      });
      const entries = await eventually(
        () => exchangeLogEntries(gw, id),
        (e) => e.length === 2,
      );
      expect(entries[1]).toMatchObject({
        action: 'exchange.refuse',
        decision: 'DENY',
        actor: { org: 'gateway' },
        ownerOrg: 'nps-north-east',
        recipientOrg: 'police-cleveland',
        // The agreement version whose termination decided the refusal.
        agreement: { id: recall, version: expect.any(Number) },
      });
    }
    // A late approval cannot revive it.
    expect(
      (
        await gw.call('POST', `/exchange-requests/${open[0]}/decision`, npsDataOwner(), {
          decision: 'APPROVE',
          reason: 'late',
        })
      ).status,
    ).toBe(409);
  });

  it('refuses at approval time when the agreement was suspended after submission (the approval re-checks it)', async () => {
    const id = await activeAgreement(
      gw,
      agreementTerms({ title: 'Court reports', purposes: ['COURT_REPORT'], dataCategories: ['ROSH'] }),
    );
    const created = await submit(
      gw,
      await requestJws(police, requestClaims(id, { purpose: 'COURT_REPORT' })),
      policeOfficer(),
    );
    expect(created.body.status).toBe('SUBMITTED');
    // Suspended behind the exchange module's back: no event, so only the approval's own check stands between.
    await gw.sql(`UPDATE agreements SET status = 'SUSPENDED' WHERE id = $1`, [id]);
    await gw.sql(`UPDATE agreements_state SET version = version + 1`);
    const approved = await gw.call('POST', `/exchange-requests/${created.body.id}/decision`, npsDataOwner(), {
      decision: 'APPROVE',
      reason: 'ok',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'REFUSED', reason: expect.stringContaining('not in force') });
    expect((await exchangeLogEntries(gw, created.body.id)).map((e) => e.action)).toEqual([
      'exchange.submit',
      'exchange.refuse',
    ]);
  });

  it('keeps the signed request and response as evidence: the database refuses to change or delete them', async () => {
    const [r] = await gw.sql<{ id: string }>(`SELECT id FROM exchange_requests WHERE status = 'FULFILLED' LIMIT 1`);
    await expect(gw.sql(`UPDATE exchange_requests SET request_jws = 'x.y.z' WHERE id = $1`, [r.id])).rejects.toThrow(
      /immutable/,
    );
    await expect(
      gw.sql(`UPDATE exchange_requests SET status = 'REFUSED', response_jws = NULL WHERE id = $1`, [r.id]),
    ).rejects.toThrow(/final/);
    await expect(gw.sql(`DELETE FROM exchange_requests WHERE id = $1`, [r.id])).rejects.toThrow(/refused/);
    await expect(gw.sql(`TRUNCATE exchange_requests`)).rejects.toThrow(/refused/);
    const [grant] = await gw.sql<{ d: boolean }>(
      `SELECT has_table_privilege('gateway_app', 'exchange_requests', 'DELETE') AS d`,
    );
    expect(grant.d).toBe(false);
  });

  it('lists overdue requests, pages through a list, and reports the overdue gauge', async () => {
    // An URGENT request submitted two days ago and never answered (inserted directly: time cannot be waited for).
    const waiting = await submit(gw, await requestJws(police, requestClaims(iomAgreement)), policeOfficer());
    expect(waiting.body.status).toBe('SUBMITTED');
    await gw.sql(
      `INSERT INTO exchange_requests (id, requester_org, provider_org, crn, purpose, data_categories, justification, urgency, agreement_id, request_jws, request_jti,
         request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, submitted_at, due_by, status, updated_at)
       SELECT gen_random_uuid(), requester_org, provider_org, crn, purpose, data_categories, justification, 'URGENT', agreement_id, request_jws, 'overdue-jti-1',
         request_kid, request_alg, request_iat, submitted_by_sub, submitted_by_roles, now() - interval '2 days', now() - interval '1 day', 'SUBMITTED', now()
       FROM exchange_requests WHERE id = $1`,
      [waiting.body.id],
    );
    const overdue = await gw.call('GET', '/exchange-requests?direction=incoming&overdue=true', npsDataOwner());
    expect(overdue.status).toBe(200);
    expect(overdue.body.items).toHaveLength(1);
    expect(overdue.body.items[0]).toMatchObject({ urgency: 'URGENT', status: 'SUBMITTED', overdue: true });
    const notOverdue = await gw.call('GET', '/exchange-requests?direction=incoming&overdue=false', npsDataOwner());
    expect(notOverdue.body.items.every((r: { overdue: boolean }) => !r.overdue)).toBe(true);

    const metrics = await gw.call('GET', '/metrics', { org: gw.orgs.gateway, roles: ['gateway-admin'] });
    expect(metrics.text).toMatch(/gateway_exchange_requests_overdue\{provider="nps-north-east",urgency="URGENT"\} 1/);

    // Keyset pages: every request once, newest first.
    const all = (
      await gw.call('GET', '/exchange-requests?direction=outgoing&limit=200', policeOfficer())
    ).body.items.map((r: { id: string }) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/exchange-requests?direction=outgoing&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await gw.call('GET', path, policeOfficer());
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(3);

    for (const bad of ['direction=sideways', 'status=DONE', 'overdue=yes', 'limit=0', 'cursor=bm90LWEtY3Vyc29y']) {
      const res = await gw.call('GET', `/exchange-requests?${bad}`, policeOfficer());
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(bad.split('=')[0]);
    }
  });
});
