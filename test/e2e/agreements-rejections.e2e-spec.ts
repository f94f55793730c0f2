import { CompactSign } from 'jose';
import { makeKey } from '../setup/test-app.js';
import { databaseState } from '../factories/database-state.js';
import {
  activeAgreement,
  agreementLogEntries,
  agreementTerms,
  daysFromNow,
  draft,
  signAs,
  signatory,
  signBytes,
} from '../factories/agreement.factory.js';
import { TestGateway } from '../setup/test-app.js';

const problem = (res: {
  status: number;
  body: { type?: unknown; detail?: unknown };
  headers: Record<string, string>;
}) => ({ status: res.status, type: res.body.type, detail: res.body.detail });
const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

describe('/agreements rejections', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  const nps = () => gw.orgs['nps-north-east'];
  const police = () => gw.orgs['police-cleveland'];

  describe('POST /agreements', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      [
        'missing required fields',
        { title: 'Only a title' },
        ['parties', 'purposes', 'dataCategories', 'lawfulBasis', 'retentionDays', 'validFrom', 'validTo', 'reviewBy'],
      ],
      ['an unknown field', agreementTerms({ status: 'ACTIVE' }), ['status']],
      [
        'an unknown purpose and category',
        agreementTerms({ purposes: ['MARKETING'], dataCategories: ['PHOTOS'] }),
        ['purposes', 'dataCategories'],
      ],
      [
        'an unknown party role',
        agreementTerms({
          parties: [
            { org: 'nps-north-east', role: 'OWNER' },
            { org: 'police-cleveland', role: 'RECIPIENT' },
          ],
        }),
        ['parties.0.role'],
      ],
      ['a date that is not RFC 3339', agreementTerms({ validFrom: '01/04/2026' }), ['validFrom']],
      ['a date that does not exist', agreementTerms({ reviewBy: '2027-02-31T00:00:00Z' }), ['reviewBy']],
      [
        'HEALTH without a condition',
        agreementTerms({ dataCategories: ['IDENTITY', 'HEALTH'] }),
        ['specialCategoryConditions.HEALTH'],
      ],
      [
        'VICTIMS without a condition',
        agreementTerms({ dataCategories: ['VICTIMS'], specialCategoryConditions: {} }),
        ['specialCategoryConditions.VICTIMS'],
      ],
      [
        'validFrom after validTo',
        agreementTerms({ validFrom: daysFromNow(400), reviewBy: daysFromNow(100) }),
        ['validTo', 'reviewBy'],
      ],
      [
        'a validTo already passed',
        agreementTerms({ validFrom: daysFromNow(-30), validTo: daysFromNow(-1), reviewBy: daysFromNow(-10) }),
        ['validTo'],
      ],
      [
        'the same party twice',
        agreementTerms({
          parties: [
            { org: 'nps-north-east', role: 'BOTH' },
            { org: 'nps-north-east', role: 'BOTH' },
          ],
        }),
        ['parties[1].org', 'parties'],
      ],
      [
        'no recipient',
        agreementTerms({
          parties: [
            { org: 'nps-north-east', role: 'PROVIDER' },
            { org: 'police-cleveland', role: 'PROVIDER' },
          ],
        }),
        ['parties'],
      ],
      [
        'an unregistered organisation',
        agreementTerms({
          parties: [
            { org: 'nps-north-east', role: 'PROVIDER' },
            { org: 'police-atlantis', role: 'RECIPIENT' },
          ],
        }),
        ['parties[1].org'],
      ],
      [
        'the operator as a party',
        agreementTerms({
          parties: [
            { org: 'nps-north-east', role: 'PROVIDER' },
            { org: 'gateway', role: 'RECIPIENT' },
          ],
        }),
        ['parties[1].org'],
      ],
      [
        'a lawful basis for a purpose not served',
        agreementTerms({ lawfulBasisByPurpose: { MAPPA: ['Criminal Justice Act 2003 s.325'] } }),
        ['lawfulBasisByPurpose.MAPPA'],
      ],
      [
        'an unknown purpose key in lawfulBasisByPurpose',
        agreementTerms({ lawfulBasisByPurpose: { FISHING: ['x y z'] } }),
        ['lawfulBasisByPurpose.FISHING'],
      ],
      ['a zero retention period', agreementTerms({ retentionDays: 0 }), ['retentionDays']],
      [
        'a date whose offset moves it past year 9999',
        agreementTerms({ validTo: '9999-12-31T23:59:59-01:00' }),
        ['validTo'],
      ],
      [
        'a date whose offset moves it before year 1',
        agreementTerms({ validFrom: '0001-01-01T00:00:00+01:00' }),
        ['validFrom'],
      ],
      [
        'members named like what every object inherits, which would otherwise be dropped unseen',
        {
          ...agreementTerms({ specialCategoryConditions: JSON.parse('{"toString":"a"}') as Record<string, string> }),
          ...(JSON.parse('{"constructor":1}') as object),
        },
        ['specialCategoryConditions.toString', 'constructor'],
      ],
    ])('is 400 for %s, naming the fields, and writes nothing', async (_name, body, expected) => {
      const before = await databaseState(gw);
      const res = await gw.call('POST', '/agreements', signatory(nps()), body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      for (const f of expected) expect(fields(res)).toContain(f);
      expect(await databaseState(gw)).toEqual({ ...before, request_tokens: (await databaseState(gw)).request_tokens });
    });

    it('is 401 without a signed token', async () => {
      const res = await gw.http.post('/agreements').send(agreementTerms());
      expect(res.status).toBe(401);
    });

    it('is 403 for a caller without dsa-signatory or gateway-admin', async () => {
      const res = await gw.call(
        'POST',
        '/agreements',
        { org: nps(), roles: ['offender-manager', 'ig-reviewer'] },
        agreementTerms(),
      );
      expect(problem(res)).toMatchObject({ status: 403 });
    });

    it('is 403 for a signatory drafting an agreement its organisation is not party to', async () => {
      const res = await gw.call('POST', '/agreements', signatory(gw.orgs['police-durham']), agreementTerms());
      expect(problem(res)).toMatchObject({
        status: 403,
        type: 'urn:probation-gateway:problem:agreement_action_forbidden',
      });
    });
  });

  describe('POST /agreements/{id}/signatures', () => {
    it('is 409 for a signature over another version', async () => {
      const id = await activeAgreement(gw);
      const v1 = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      await gw.call('PUT', `/agreements/${id}`, signatory(nps()), agreementTerms({ retentionDays: 100 }));
      const res = await gw.call('POST', `/agreements/${id}/signatures`, signatory(police()), {
        jws: await signBytes(v1, police().key),
      });
      expect(problem(res)).toMatchObject({
        status: 409,
        type: 'urn:probation-gateway:problem:signature_version_mismatch',
      });
      expect(res.body.detail).toMatch(/over version 1, but the current version is 2/);
    });

    it('is 400 for a signature over other bytes (the document re-serialised)', async () => {
      const id = await draft(gw);
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      const pretty = JSON.stringify(JSON.parse(doc), null, 2);
      const res = await gw.call('POST', `/agreements/${id}/signatures`, signatory(nps()), {
        jws: await signBytes(pretty, nps().key),
      });
      expect(problem(res)).toMatchObject({
        status: 400,
        type: 'urn:probation-gateway:problem:signature_document_mismatch',
      });
    });

    it("is 400 for a signature with another organisation's key", async () => {
      const id = await draft(gw);
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      const res = await gw.call('POST', `/agreements/${id}/signatures`, signatory(nps()), {
        jws: await signBytes(doc, police().key),
      });
      expect(problem(res)).toMatchObject({ status: 400, type: 'urn:probation-gateway:problem:signature_invalid' });
      expect(res.body.detail).toMatch(/not an active registered key of organisation "nps-north-east"/);
    });

    it("is 400 for a signature made by an unregistered key under the organisation's kid", async () => {
      const id = await draft(gw);
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      const forger = await makeKey(nps().key.kid);
      const res = await gw.call('POST', `/agreements/${id}/signatures`, signatory(nps()), {
        jws: await signBytes(doc, forger),
      });
      expect(problem(res)).toMatchObject({ status: 400, type: 'urn:probation-gateway:problem:signature_invalid' });
    });

    it('is 400 for an unsigned (alg none) or malformed JWS', async () => {
      const id = await draft(gw);
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: nps().key.kid })).toString('base64url')}.${Buffer.from(doc).toString('base64url')}.AAAA`;
      expect(
        problem(await gw.call('POST', `/agreements/${id}/signatures`, signatory(nps()), { jws: none })),
      ).toMatchObject({ status: 400, type: 'urn:probation-gateway:problem:signature_invalid' });
      const bad = await gw.call('POST', `/agreements/${id}/signatures`, signatory(nps()), { jws: 'not a jws' });
      expect(bad.status).toBe(400);
      expect([...new Set(fields(bad))]).toEqual(['jws']);
    });

    it('is 409 for a second signature by the same party on the same version', async () => {
      const id = await draft(gw);
      expect((await signAs(gw, id, nps())).status).toBe(201);
      const res = await signAs(gw, id, nps());
      expect(problem(res)).toMatchObject({
        status: 409,
        type: 'urn:probation-gateway:problem:agreement_already_signed',
      });
      expect((await agreementLogEntries(gw, id)).filter((e) => e.action === 'agreement.sign')).toHaveLength(1);
    });

    it('is 404 for a non-party signatory, 403 for the operator and for a party member who is not a signatory', async () => {
      const id = await draft(gw);
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(nps()))).text;
      const durham = gw.orgs['police-durham'];
      expect(
        (
          await gw.call('POST', `/agreements/${id}/signatures`, signatory(durham), {
            jws: await signBytes(doc, durham.key),
          })
        ).status,
      ).toBe(404);
      const admin = { org: gw.orgs.gateway, roles: ['gateway-admin', 'dsa-signatory'] };
      expect(
        (
          await gw.call('POST', `/agreements/${id}/signatures`, admin, {
            jws: await signBytes(doc, gw.orgs.gateway.key),
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await gw.call(
            'POST',
            `/agreements/${id}/signatures`,
            { org: nps(), roles: ['ig-reviewer'] },
            { jws: await signBytes(doc, nps().key) },
          )
        ).status,
      ).toBe(403);
    });

    it('is 409 naming the state when signing a terminated agreement', async () => {
      const id = await draft(gw);
      await gw.call('POST', `/agreements/${id}/terminate`, signatory(nps()), { reason: 'Drafted in error' });
      const res = await signAs(gw, id, police());
      expect(problem(res)).toMatchObject({
        status: 409,
        type: 'urn:probation-gateway:problem:agreement_state_conflict',
      });
      expect(res.body.detail).toMatch(/it is TERMINATED/);
    });

    it('accepts an EdDSA key as well', async () => {
      const id = await draft(gw);
      const ed = await makeKey('police-cleveland-ed1', 'EdDSA');
      await gw.call(
        'PUT',
        '/organisations/police-cleveland/keys',
        { org: police(), roles: ['system'] },
        { keys: [police().key.publicJwk, ed.publicJwk] },
      );
      const doc = (await gw.call('GET', `/agreements/${id}/document`, signatory(police()))).text;
      const jws = await new CompactSign(new TextEncoder().encode(doc))
        .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid })
        .sign(ed.privateKey);
      const res = await gw.call('POST', `/agreements/${id}/signatures`, signatory(police()), { jws });
      expect(res.status).toBe(201);
      expect(res.body.signatures[0]).toMatchObject({
        org: 'police-cleveland',
        kid: 'police-cleveland-ed1',
        alg: 'EdDSA',
        jws,
      });
    });
  });

  describe('state transitions', () => {
    it.each<[string, string, string]>([
      ['suspend', 'DRAFT', 'suspend'],
      ['resume', 'DRAFT', 'resume'],
    ])('is 409 to %s a %s agreement, naming the state', async (action, state) => {
      const id = await draft(gw);
      const res = await gw.call('POST', `/agreements/${id}/${action}`, signatory(nps()), {
        reason: 'Testing transitions',
      });
      expect(problem(res)).toMatchObject({
        status: 409,
        type: 'urn:probation-gateway:problem:agreement_state_conflict',
      });
      expect(res.body.detail).toMatch(new RegExp(`it is ${state}`));
    });

    it('is 409 to resume or submit an ACTIVE agreement and to terminate a TERMINATED one', async () => {
      const id = await activeAgreement(gw);
      expect(
        (await gw.call('POST', `/agreements/${id}/resume`, signatory(nps()), { reason: 'Nothing to resume' })).body
          .detail,
      ).toMatch(/it is ACTIVE/);
      expect((await gw.call('POST', `/agreements/${id}/submit`, signatory(nps()))).body.detail).toMatch(/it is ACTIVE/);
      expect(
        (await gw.call('POST', `/agreements/${id}/terminate`, signatory(nps()), { reason: 'Ending it' })).status,
      ).toBe(200);
      const again = await gw.call('POST', `/agreements/${id}/terminate`, signatory(nps()), {
        reason: 'Ending it again',
      });
      expect(problem(again)).toMatchObject({ status: 409 });
      expect(again.body.detail).toMatch(/it is TERMINATED/);
      const amend = await gw.call('PUT', `/agreements/${id}`, signatory(nps()), agreementTerms());
      expect(amend.status).toBe(409);
    });

    it("is 403 for a party's IG reviewer suspending, and for the operator's IG terminating", async () => {
      const id = await activeAgreement(gw);
      expect(
        (
          await gw.call(
            'POST',
            `/agreements/${id}/suspend`,
            { org: nps(), roles: ['ig-reviewer'] },
            { reason: 'Concern' },
          )
        ).status,
      ).toBe(403);
      const operatorIg = { org: gw.orgs.gateway, roles: ['ig-reviewer'] };
      expect((await gw.call('POST', `/agreements/${id}/terminate`, operatorIg, { reason: 'Concern' })).status).toBe(
        403,
      );
      const suspended = await gw.call('POST', `/agreements/${id}/suspend`, operatorIg, {
        reason: 'Operator IG review of a complaint',
      });
      expect(suspended.body.status).toBe('SUSPENDED');
      // The operator suspended it: a party cannot lift the operator's brake.
      expect(
        (await gw.call('POST', `/agreements/${id}/resume`, signatory(police()), { reason: 'We disagree' })).status,
      ).toBe(403);
    });

    it('is 400 without a reason, and 404 for a stranger', async () => {
      const id = await activeAgreement(gw);
      const noReason = await gw.call('POST', `/agreements/${id}/suspend`, signatory(nps()), {});
      expect(noReason.status).toBe(400);
      expect(fields(noReason)).toContain('reason');
      expect(
        (await gw.call('POST', `/agreements/${id}/suspend`, signatory(gw.orgs['police-durham']), { reason: 'Probe' }))
          .status,
      ).toBe(404);
      expect(
        (
          await gw.call('POST', '/agreements/00000000-0000-4000-8000-0000000000ff/suspend', signatory(nps()), {
            reason: 'Probe',
          })
        ).status,
      ).toBe(404);
    });

    it('is 400 for a malformed id or version and 404 for a version that does not exist', async () => {
      const id = await draft(gw);
      const bad = await gw.call('GET', '/agreements/not-a-uuid', signatory(nps()));
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(['id']);
      expect((await gw.call('GET', `/agreements/${id}/versions/zero`, signatory(nps()))).status).toBe(400);
      const missing = await gw.call('GET', `/agreements/${id}/versions/7`, signatory(nps()));
      expect(problem(missing)).toMatchObject({
        status: 404,
        type: 'urn:probation-gateway:problem:agreement_version_not_found',
      });
    });
  });
});
