import { CompactSign } from 'jose';
import type { Response } from 'supertest';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, exchangeLogEntries, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { aKey } from '../factories/jwk.factory.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import type { StoredAccessLogEntry } from '../../src/modules/access-log/domain/access-log-entry.js';

function expectProblem(res: Response, status: number, code: string): void {
  expect({ status: res.status, type: res.body?.type }).toEqual({
    status,
    type: `urn:probation-gateway:problem:${code}`,
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

/** Tampers with a compact JWS: replaces one claim in the payload and keeps the old signature. */
function tamper(jws: string, claims: Record<string, unknown>): string {
  const [h, p, s] = jws.split('.');
  const payload = { ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), ...claims };
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

describe('POST /exchange-requests rejections', () => {
  let gw: TestGateway;
  let cleveland: TestOrg;
  let durham: TestOrg;
  let agreement: string;
  const officer = (org?: TestOrg) => ({ org: org ?? cleveland, roles: ['iom-officer'], sub: 'user:pc-101' });
  const stored = async () => Number((await gw.sql<{ n: string }>('SELECT count(*) AS n FROM exchange_requests'))[0].n);

  /** The submission is refused with `status`/`code`, stores no request, and leaves exactly one `exchange.reject` entry. */
  async function expectRejected(
    send: () => Promise<Response>,
    status: number,
    code: string,
    by = cleveland,
  ): Promise<StoredAccessLogEntry> {
    const before = { requests: await stored(), entries: (await exchangeLogEntries(gw)).length };
    const res = await send();
    expectProblem(res, status, code);
    expect(await stored()).toBe(before.requests);
    const entries = await exchangeLogEntries(gw);
    expect(entries).toHaveLength(before.entries + 1);
    const entry = entries[entries.length - 1];
    expect(entry).toMatchObject({
      action: 'exchange.reject',
      decision: 'DENY',
      actor: { org: by.id },
      recipientOrg: by.id,
      reasons: [code, expect.any(String)],
    });
    expect(entry.resource.id).toMatch(/^sha256:/);
    return entry;
  }

  beforeAll(async () => {
    gw = await TestGateway.start();
    cleveland = gw.orgs['police-cleveland'];
    durham = gw.orgs['police-durham'];
    agreement = await activeAgreement(gw, agreementTerms());
    await aCase(gw, 'X100001');
  });
  afterAll(() => gw.close());

  it('accepts a well-formed request (the baseline every rejection departs from)', async () => {
    const res = await submit(gw, await requestJws(cleveland, requestClaims(agreement)), officer());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('SUBMITTED');
  });

  it('rejects a tampered request JWS with 400', async () => {
    const jws = await requestJws(cleveland, requestClaims(agreement));
    const entry = await expectRejected(
      () => submit(gw, tamper(jws, { crn: 'X999999' }), officer()),
      400,
      'exchange_request_bad_signature',
    );
    // The provider's IG sees the attempt on its data.
    expect(entry).toMatchObject({ ownerOrg: 'nps-north-east', crn: 'X999999', purpose: 'IOM' });
  });

  it("rejects a request signed with another organisation's key, whichever kid it names, with 400", async () => {
    const claims = requestClaims(agreement);
    await expectRejected(
      () => requestJws(cleveland, claims, { key: durham.key.privateKey }).then((j) => submit(gw, j, officer())),
      400,
      'exchange_request_bad_signature',
    );
    await expectRejected(
      () =>
        requestJws(cleveland, requestClaims(agreement), { key: durham.key.privateKey, kid: durham.key.kid }).then((j) =>
          submit(gw, j, officer()),
        ),
      400,
      'exchange_request_bad_signature',
    );
  });

  it('refuses at once a request signed with a key revoked through this gateway after it verified one', async () => {
    const extra = await aKey('police-cleveland-extra');
    const rotate = (keys: object[]) =>
      gw.call(
        'PUT',
        `/organisations/${cleveland.id}/keys`,
        { org: cleveland, sub: 'system:cms', roles: ['system'] },
        {
          keys,
        },
      );
    expect((await rotate([cleveland.key.publicJwk, extra.publicJwk])).status).toBe(200);
    const signed = () =>
      requestJws(cleveland, requestClaims(agreement), { key: extra.privateKey, kid: extra.kid }).then((j) =>
        submit(gw, j, officer()),
      );
    // Verified once: the key is now held in memory.
    expect((await signed()).status).toBe(201);
    const revoked = await rotate([cleveland.key.publicJwk]);
    expect(revoked.body.revoked).toEqual([extra.kid]);
    const entry = await expectRejected(signed, 400, 'exchange_request_bad_signature');
    expect(entry.reasons[1]).toContain(`"${extra.kid}", which is not an active key of police-cleveland`);
  });

  it('rejects with 403 a request whose bearer organisation is not the JWS signer', async () => {
    const jws = await requestJws(cleveland, requestClaims(agreement));
    const entry = await expectRejected(
      () => submit(gw, jws, officer(durham)),
      403,
      'exchange_request_signer_mismatch',
      durham,
    );
    expect(entry.reasons[1]).toContain('police-cleveland');
    // Durham signing its own JWS with iss police-cleveland is the same mismatch.
    await expectRejected(
      () => requestJws(durham, requestClaims(agreement)).then((j) => submit(gw, j, officer(durham))),
      403,
      'exchange_request_signer_mismatch',
      durham,
    );
  });

  it('rejects with 400 a signed request that names a claim twice (readers would disagree on which it says)', async () => {
    const claims = requestClaims(agreement) as Record<string, unknown>;
    // Correctly signed bytes whose crn a parser keeping the last value reads as X999999.
    const payload = `${JSON.stringify(claims).slice(0, -1)},"crn":"X999999"}`;
    const header = { alg: 'ES256', kid: cleveland.key.kid, typ: 'exchange-request+jwt' };
    const jws = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader(header)
      .sign(cleveland.key.privateKey);
    const entry = await expectRejected(() => submit(gw, jws, officer()), 400, 'exchange_request_invalid');
    expect(entry.reasons.join(' ')).toContain('duplicate member name "crn"');
  });

  it('rejects a replayed request JWS, and a new one reusing its jti, with 409', async () => {
    const claims = requestClaims(agreement);
    const jws = await requestJws(cleveland, claims);
    expect((await submit(gw, jws, officer())).status).toBe(201);
    await expectRejected(() => submit(gw, jws, officer()), 409, 'exchange_request_replayed');
    await expectRejected(
      () => requestJws(cleveland, { ...claims, dataCategories: ['IDENTITY'] }).then((j) => submit(gw, j, officer())),
      409,
      'exchange_request_replayed',
    );
  });

  it('refuses at once (201, REFUSED, logged) a request whose provider is not a party to the agreement', async () => {
    const res = await submit(
      gw,
      await requestJws(cleveland, requestClaims(agreement, { provider: 'crc-durham-tees-valley' })),
      officer(),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'REFUSED',
      reason: expect.stringContaining('does not name crc-durham-tees-valley as a provider'),
    });
    const [entry] = await exchangeLogEntries(gw, res.body.id);
    expect(entry).toMatchObject({
      action: 'exchange.submit',
      decision: 'DENY',
      ownerOrg: 'crc-durham-tees-valley',
      recipientOrg: 'police-cleveland',
    });
  });

  it('refuses at once, in the same words as a missing one, an agreement the requester is not a party to', async () => {
    const other = await activeAgreement(
      gw,
      agreementTerms({
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
      }),
    );
    const res = await submit(gw, await requestJws(cleveland, requestClaims(other)), officer());
    const missing = await submit(
      gw,
      await requestJws(cleveland, requestClaims('6f1c2a4e-0000-4000-8000-000000000000')),
      officer(),
    );
    expect(res.body.status).toBe('REFUSED');
    expect(res.body.reason).toBe(
      `agreement ${other} is not a data-sharing agreement to which police-cleveland is a party`,
    );
    expect(missing.body.reason).toBe(
      'agreement 6f1c2a4e-0000-4000-8000-000000000000 is not a data-sharing agreement to which police-cleveland is a party',
    );
  });

  it('names each invalid claim or header with 400 and logs the rejection', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ justification: '   ' }, 'justification'],
      [{ urgency: 'WHENEVER' }, 'urgency'],
      [{ dataCategories: ['ROSH', 'GOSSIP'] }, 'dataCategories[1]'],
      [{ dataCategories: [] }, 'dataCategories'],
      [{ crn: 'x1' }, 'crn'],
      [{ purpose: 'CURIOSITY' }, 'purpose'],
      [{ agreementId: 'not-a-uuid' }, 'agreementId'],
      [{ iat: Math.floor(Date.now() / 1000) - 3600 }, 'iat'],
      [{ iat: Math.floor(Date.now() / 1000) + 3600 }, 'iat'],
      [{ provider: 'police-cleveland' }, 'provider'],
      [{ provider: 'nobody-known' }, 'provider'],
      [{ extra: true }, 'extra'],
      [{ jti: 'short' }, 'jti'],
      [{ aud: 'some-other-gateway' }, 'aud'],
      [{ aud: { x: [1, 2] } }, 'aud'],
      [{ sub: 12345 }, 'sub'],
    ];
    for (const [over, field] of cases) {
      let res!: Response;
      await expectRejected(
        async () => (res = await submit(gw, await requestJws(cleveland, requestClaims(agreement, over)), officer())),
        400,
        'exchange_request_invalid',
      );
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    let res!: Response;
    await expectRejected(
      async () =>
        (res = await submit(
          gw,
          await requestJws(cleveland, requestClaims(agreement), { header: { typ: 'JWT' } }),
          officer(),
        )),
      400,
      'exchange_request_invalid',
    );
    expect(res.body.errors[0].field).toBe('header.typ');
    await expectRejected(async () => (res = await submit(gw, 'not a jws', officer())), 400, 'exchange_request_invalid');
    await expectRejected(
      async () =>
        (res = await submit(
          gw,
          await requestJws(cleveland, requestClaims(agreement), { header: { jwk: { kty: 'EC' } } }),
          officer(),
        )),
      400,
      'exchange_request_invalid',
    );
  });

  it('takes only application/jose, from roles that request data', async () => {
    const jws = await requestJws(cleveland, requestClaims(agreement));
    const asJson = await gw.call('POST', '/exchange-requests', officer(), { jws });
    expect(asJson.status).toBe(415);
    const signatory = await submit(gw, jws, { org: cleveland, roles: ['dsa-signatory'] });
    expect(signatory.status).toBe(403);
    expect((await gw.http.post('/exchange-requests').set('content-type', 'application/jose').send(jws)).status).toBe(
      401,
    );
  });
});
