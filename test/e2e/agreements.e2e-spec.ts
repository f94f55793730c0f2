import { EventBus } from '@nestjs/cqrs';
import { compactVerify, importJWK } from 'jose';
import { canonicalJson } from '../../src/shared/crypto/canonical-json.js';
import { AgreementCoverage } from '../../src/modules/agreements/index.js';
import { agreementLogEntries, agreementTerms, draft, signAs, signatory } from '../factories/agreement.factory.js';
import { TestGateway } from '../setup/test-app.js';

describe('/agreements lifecycle', () => {
  let gw: TestGateway;
  let coverage: AgreementCoverage;
  const events: string[] = [];
  beforeAll(async () => {
    gw = await TestGateway.start();
    coverage = gw.app.get(AgreementCoverage);
    gw.app.get(EventBus).subscribe((e) => events.push(e.constructor.name));
  });
  afterAll(() => gw.close());

  const nps = () => gw.orgs['nps-north-east'];
  const police = () => gw.orgs['police-cleveland'];
  const covered = async () =>
    (await coverage.findCovering({ provider: 'nps-north-east', recipient: 'police-cleveland', purpose: 'IOM' })).map(
      (c) => `${c.id}@v${c.version}`,
    );

  it('takes an agreement from draft to active, through suspension, amendment and re-signing, to termination, logging every step', async () => {
    // Draft.
    const created = await gw.call('POST', '/agreements', signatory(nps()), agreementTerms());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'DRAFT',
      version: 1,
      activeVersion: null,
      signatures: [],
      awaitingSignatures: ['nps-north-east', 'police-cleveland'],
    });
    expect(created.body.parties).toEqual([
      { org: 'nps-north-east', role: 'PROVIDER', controller: true },
      { org: 'police-cleveland', role: 'RECIPIENT', controller: true },
    ]);
    const id: string = created.body.id;

    // The document: canonical JSON of id, version and terms, never status or signatures.
    const doc1 = await gw.call('GET', `/agreements/${id}/document`, signatory(police()));
    expect(doc1.status).toBe(200);
    expect(doc1.headers['content-type']).toMatch(/^application\/json/);
    expect(doc1.headers['x-agreement-version']).toBe('1');
    expect(canonicalJson(JSON.parse(doc1.text))).toBe(doc1.text);
    expect(JSON.parse(doc1.text)).toMatchObject({ id, version: 1, purposes: ['IOM'], retentionDays: 730 });
    expect(JSON.parse(doc1.text)).not.toHaveProperty('status');

    // Two real signatures: the first moves the draft to PENDING_SIGNATURES, the last activates it.
    const s1 = await signAs(gw, id, nps());
    expect(s1.status).toBe(201);
    expect(s1.body).toMatchObject({ status: 'PENDING_SIGNATURES', awaitingSignatures: ['police-cleveland'] });
    expect(await covered()).toEqual([]);
    const s2 = await signAs(gw, id, police());
    expect(s2.status).toBe(201);
    expect(s2.body).toMatchObject({ status: 'ACTIVE', version: 1, activeVersion: 1, awaitingSignatures: [] });
    expect(s2.body.signatures.map((s: { org: string }) => s.org)).toEqual(['nps-north-east', 'police-cleveland']);
    expect(await covered()).toEqual([`${id}@v1`]);

    // Anyone can re-verify a stored signature with the signer's keys as they stood when it was made.
    const stored = s2.body.signatures[1];
    const keys = await gw.call(
      'GET',
      `/organisations/police-cleveland/keys?at=${encodeURIComponent(stored.signedAt)}`,
      { org: nps(), roles: ['ig-reviewer'] },
    );
    const jwk = keys.body.keys.find((k: { kid: string }) => k.kid === stored.kid).jwk;
    const { payload } = await compactVerify(stored.jws, await importJWK(jwk, 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe(doc1.text);

    // Suspend: the next coverage question already sees it.
    const susp = await gw.call('POST', `/agreements/${id}/suspend`, signatory(police()), {
      reason: 'Suspected misuse under investigation',
    });
    expect(susp.status).toBe(200);
    expect(susp.body).toMatchObject({
      status: 'SUSPENDED',
      lastStatusChange: {
        action: 'suspend',
        reason: 'Suspected misuse under investigation',
        byOrg: 'police-cleveland',
      },
    });
    expect(await covered()).toEqual([]);

    // Only the suspending organisation (or the operator) lifts its brake.
    const otherResume = await gw.call('POST', `/agreements/${id}/resume`, signatory(nps()), {
      reason: 'We think it is fine',
    });
    expect(otherResume.status).toBe(403);
    const resumed = await gw.call('POST', `/agreements/${id}/resume`, signatory(police()), {
      reason: 'Investigation closed, no misuse found',
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('ACTIVE');
    expect(await covered()).toEqual([`${id}@v1`]);

    // Amend: version 2 needs every signature again; version 1 keeps covering meanwhile.
    const amended = await gw.call(
      'PUT',
      `/agreements/${id}`,
      signatory(nps()),
      agreementTerms({ retentionDays: 365, dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS'] }),
    );
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({
      status: 'PENDING_SIGNATURES',
      version: 2,
      activeVersion: 1,
      signatures: [],
      retentionDays: 365,
    });
    expect(await covered()).toEqual([`${id}@v1`]);
    const v1 = await gw.call('GET', `/agreements/${id}/versions/1`, signatory(police()));
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, inForce: true, current: false, retentionDays: 730 });
    expect(v1.body.signatures).toHaveLength(2);
    const v1doc = await gw.call('GET', `/agreements/${id}/versions/1/document`, signatory(police()));
    expect(v1doc.text).toBe(doc1.text);
    const versions = await gw.call('GET', `/agreements/${id}/versions`, signatory(police()));
    expect(
      versions.body.map((v: { version: number; inForce: boolean; signedBy: string[] }) => [
        v.version,
        v.inForce,
        v.signedBy,
      ]),
    ).toEqual([
      [1, true, ['nps-north-east', 'police-cleveland']],
      [2, false, []],
    ]);

    // Re-sign version 2.
    expect((await signAs(gw, id, police())).body.status).toBe('PENDING_SIGNATURES');
    const active2 = await signAs(gw, id, nps());
    expect(active2.body).toMatchObject({ status: 'ACTIVE', version: 2, activeVersion: 2 });
    expect(await covered()).toEqual([`${id}@v2`]);

    // Terminate.
    const term = await gw.call('POST', `/agreements/${id}/terminate`, signatory(nps()), {
      reason: 'Replaced by the regional IOM agreement',
    });
    expect(term.status).toBe(200);
    expect(term.body.status).toBe('TERMINATED');
    expect(await covered()).toEqual([]);

    // One access-log entry per step, naming the agreement version it concerned.
    const log = await agreementLogEntries(gw, id);
    expect(log.map((e) => [e.action, e.actor.org, e.agreement?.version])).toEqual([
      ['agreement.create', 'nps-north-east', 1],
      ['agreement.sign', 'nps-north-east', 1],
      ['agreement.sign', 'police-cleveland', 1],
      ['agreement.suspend', 'police-cleveland', 1],
      ['agreement.resume', 'police-cleveland', 1],
      ['agreement.amend', 'nps-north-east', 2],
      ['agreement.sign', 'police-cleveland', 2],
      ['agreement.sign', 'nps-north-east', 2],
      ['agreement.terminate', 'nps-north-east', 2],
    ]);
    for (const e of log)
      expect(e).toMatchObject({ decision: 'ALLOW', resource: { type: 'agreement', id }, agreement: { id } });
    expect(log[3]).toMatchObject({
      reason: 'Suspected misuse under investigation',
      reasons: expect.arrayContaining(['status:ACTIVE->SUSPENDED']),
    });
    expect(log[2].reasons).toEqual(
      expect.arrayContaining(['status:PENDING_SIGNATURES->ACTIVE', 'signed-by:police-cleveland']),
    );

    expect(events).toEqual(
      expect.arrayContaining([
        'AgreementActivatedEvent',
        'AgreementSuspendedEvent',
        'AgreementResumedEvent',
        'AgreementAmendedEvent',
        'AgreementTerminatedEvent',
      ]),
    );
  });

  it('submits a draft explicitly, and the operator drafts for parties', async () => {
    const admin = { org: gw.orgs.gateway, roles: ['gateway-admin'], sub: 'user:operator' };
    const res = await gw.call('POST', '/agreements', admin, agreementTerms({ title: 'Operator-drafted agreement' }));
    expect(res.status).toBe(201);
    const submitted = await gw.call('POST', `/agreements/${res.body.id}/submit`, admin);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('PENDING_SIGNATURES');
    expect((await agreementLogEntries(gw, res.body.id)).map((e) => e.action)).toEqual([
      'agreement.create',
      'agreement.submit',
    ]);
  });

  it('shows an agreement only to its parties and the operator', async () => {
    const id = await draft(gw, agreementTerms({ title: 'Visibility check' }));
    const durham = { org: gw.orgs['police-durham'], roles: ['dsa-signatory', 'ig-reviewer'] };
    expect((await gw.call('GET', `/agreements/${id}`, durham)).status).toBe(404);
    expect((await gw.call('GET', `/agreements/${id}/document`, durham)).status).toBe(404);
    const durhamList = await gw.call('GET', '/agreements', durham);
    expect(durhamList.status).toBe(200);
    expect(durhamList.body.map((a: { id: string }) => a.id)).not.toContain(id);

    const partyIg = await gw.call('GET', `/agreements/${id}`, { org: police(), roles: ['ig-reviewer'] });
    expect(partyIg.status).toBe(200);
    const operatorList = await gw.call('GET', '/agreements?status=DRAFT', {
      org: gw.orgs.gateway,
      roles: ['ig-reviewer'],
    });
    expect(operatorList.body.map((a: { id: string }) => a.id)).toContain(id);
    expect(operatorList.body.every((a: { status: string }) => a.status === 'DRAFT')).toBe(true);
  });

  it('keeps versions and signatures immutable in the database itself', async () => {
    const id = await draft(gw, agreementTerms({ title: 'Immutable rows' }));
    await expect(gw.sql(`UPDATE agreement_versions SET document = '{}' WHERE agreement_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
    await expect(gw.sql(`DELETE FROM agreement_versions WHERE agreement_id = $1`, [id])).rejects.toThrow(/append-only/);
  });
});
