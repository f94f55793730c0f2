import { createHash, createPublicKey } from 'node:crypto';
import { jest } from '@jest/globals';
import { generateKeyPair } from 'jose';
import type { Response } from 'supertest';
import { ReplayStore } from '../../src/shared/auth/replay.store.js';
import { PreparedStatement } from '../../src/shared/database/prepared.js';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import { requestContext, type RequestContext } from '../../src/shared/observability/request-context.js';
import { databaseState } from '../factories/database-state.js';
import { aKey, invalidJwks } from '../factories/jwk.factory.js';
import { aRequestToken, bodyHash } from '../factories/request-token.factory.js';
import { eventually } from '../setup/polling.js';
import { TestGateway, type TestOrg } from '../setup/test-app.js';

const PROBLEM = /^application\/problem\+json/;

function expectProblem(res: Response, status: number, code?: string): void {
  expect({ status: res.status, type: res.body?.type }).toEqual({
    status,
    type: code ? `urn:probation-gateway:problem:${code}` : expect.any(String),
  });
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|SELECT |node_modules/);
}

describe('Signed-request authentication (GET /organisations)', () => {
  let gw: TestGateway;
  let cleveland: TestOrg;
  let durham: TestOrg;
  let admin: TestOrg;
  let aud: string;

  beforeAll(async () => {
    gw = await TestGateway.start();
    cleveland = gw.orgs['police-cleveland'];
    durham = gw.orgs['police-durham'];
    admin = gw.orgs.gateway;
    aud = gw.config.gatewayId;
  });
  afterAll(() => gw.close());

  const get = (token: string | undefined, path = '/organisations') => {
    const r = gw.http.get(path);
    return token === undefined ? r : r.set('authorization', `Bearer ${token}`);
  };
  const post = (token: string, body: string, path = '/organisations') =>
    gw.http.post(path).set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send(body);
  const forGet = (org = cleveland, path = '/organisations') => aRequestToken(org, aud).forRequest('GET', path);

  /** The request is refused with 401 for `reason` and leaves every table exactly as it was. */
  async function expectRefused(send: () => Promise<Response>, reason: string): Promise<Response> {
    const before = await databaseState(gw);
    const res = await send();
    expectProblem(res, 401, `auth_${reason}`);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(await databaseState(gw)).toEqual(before);
    return res;
  }

  it('accepts a well-formed token (the baseline every refusal below departs from)', async () => {
    const t = forGet();
    const res = await get(await t.sign());
    expect(res.status).toBe(200);
    expect(
      await gw.sql('SELECT 1 FROM request_tokens WHERE issuer = $1 AND jti = $2', [cleveland.id, t.jti]),
    ).toHaveLength(1);
  });

  describe('missing or malformed tokens', () => {
    it('refuses a request without Authorization', () => expectRefused(() => get(undefined), 'missing_token'));
    it('refuses a non-Bearer scheme', () =>
      expectRefused(() => gw.http.get('/organisations').set('authorization', 'Basic Zm9vOmJhcg=='), 'missing_token'));
    it('refuses a token that is not a compact JWS', () => expectRefused(() => get('not-a-jwt'), 'malformed_token'));
    it('refuses a token whose parts are not JSON', () =>
      expectRefused(() => get('eyJub3Q.anNvbg.c2ln'), 'malformed_token'));
  });

  describe('algorithms', () => {
    it('refuses alg none with an empty signature', () =>
      expectRefused(() => get(forGet().unsigned()), 'malformed_token'));

    it('refuses alg none with any signature', () =>
      expectRefused(() => get(forGet().unsigned('AAAA')), 'algorithm_not_allowed'));

    it("refuses HS256 keyed with the organisation's public JWK", async () => {
      const secret = Buffer.from(JSON.stringify(cleveland.key.publicJwk));
      await expectRefused(async () => get(await forGet().signedWith(secret, 'HS256').sign()), 'algorithm_not_allowed');
    });

    it("refuses HS256 keyed with the organisation's public key as PEM", async () => {
      const pem = createPublicKey({ key: cleveland.key.publicJwk as never, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      await expectRefused(
        async () => get(await forGet().signedWith(Buffer.from(pem), 'HS256').sign()),
        'algorithm_not_allowed',
      );
    });

    it('refuses RS256', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      await expectRefused(
        async () => get(await forGet().signedWith(privateKey, 'RS256').sign()),
        'algorithm_not_allowed',
      );
    });

    it('refuses ES256 claimed over an EdDSA key', async () => {
      const ed = await aKey('durham-ed', 'EdDSA');
      await expectRefused(async () => get(await forGet().signedWith(ed.privateKey, 'EdDSA').sign()), 'unknown_key');
    });
  });

  describe('keys', () => {
    it('refuses an unknown kid', () =>
      expectRefused(async () => get(await forGet().withHeader({ kid: 'no-such-kid' }).sign()), 'unknown_key'));

    it('refuses a missing kid', () =>
      expectRefused(async () => get(await forGet().withoutHeader('kid').sign()), 'unknown_key'));

    it("refuses another organisation's kid and key under iss A", () =>
      expectRefused(
        async () =>
          get(await forGet(cleveland).withHeader({ kid: durham.key.kid }).signedWith(durham.key.privateKey).sign()),
        'unknown_key',
      ));

    it("refuses iss B signed with A's key under A's kid", () =>
      expectRefused(
        async () =>
          get(await forGet(durham).withHeader({ kid: cleveland.key.kid }).signedWith(cleveland.key.privateKey).sign()),
        'unknown_key',
      ));

    it("refuses iss B signed with A's key under B's kid", () =>
      expectRefused(
        async () => get(await forGet(durham).signedWith(cleveland.key.privateKey).sign()),
        'bad_signature',
      ));

    it('refuses an unregistered issuer', () =>
      expectRefused(async () => get(await forGet().withClaims({ iss: 'police-nowhere' }).sign()), 'unknown_key'));

    it('refuses a signature over different claims (tampered payload)', async () => {
      const token = await forGet().sign();
      const [h, , s] = token.split('.');
      const forged = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()),
          roles: ['gateway-admin'],
        }),
      ).toString('base64url');
      await expectRefused(() => get(`${h}.${forged}.${s}`), 'bad_signature');
    });

    for (const [header, value] of [
      ['jku', 'https://attacker.example/jwks.json'],
      ['x5u', 'https://attacker.example/cert.pem'],
      ['x5c', ['MIIB']],
    ] as const) {
      it(`refuses a ${header} header pointing elsewhere, even with a valid signature`, () =>
        expectRefused(
          async () =>
            get(
              await forGet()
                .withHeader({ [header]: value })
                .sign(),
            ),
          'forbidden_header',
        ));
    }

    it("refuses an embedded jwk header carrying the attacker's own key", async () => {
      const attacker = await aKey(cleveland.key.kid);
      await expectRefused(
        async () =>
          get(
            await forGet()
              .withHeader({ jwk: { ...attacker.publicJwk } })
              .signedWith(attacker.privateKey)
              .sign(),
          ),
        'forbidden_header',
      );
    });

    it('refuses an unknown crit header', () =>
      expectRefused(
        async () =>
          get(
            await forGet()
              .withHeader({ crit: ['urn:x-unknown'], 'urn:x-unknown': true })
              .allowingCrit('urn:x-unknown')
              .sign(),
          ),
        'unknown_critical_header',
      ));

    it('refuses a token over 8 KiB before looking at it', async () => {
      const t = await forGet()
        .withClaims({ attrs: { padding: 'x'.repeat(200) }, reason: 'y'.repeat(9 * 1024) })
        .sign();
      expect(t.length).toBeGreaterThan(9 * 1024);
      await expectRefused(() => get(t), 'token_too_large');
    });
  });

  describe('type', () => {
    for (const typ of ['JWT', 'at+jwt', 'exchange-request+jwt']) {
      it(`refuses typ ${typ}`, () =>
        expectRefused(async () => get(await forGet().withHeader({ typ }).sign()), 'wrong_type'));
    }
    it('refuses a token without typ', () =>
      expectRefused(async () => get(await forGet().withoutHeader('typ').sign()), 'wrong_type'));
  });

  describe('claims', () => {
    it('refuses an expired token (beyond the 60 s skew)', () =>
      expectRefused(async () => get(await forGet().issuedAt(-250).expiresAt(-70).sign()), 'expired'));

    it('accepts a token that expired within the skew', async () => {
      expect((await get(await forGet().issuedAt(-200).expiresAt(-30).sign())).status).toBe(200);
    });

    it('refuses a lifetime over 300 s', () =>
      expectRefused(async () => get(await forGet().issuedAt(0).expiresAt(301).sign()), 'lifetime_too_long'));

    it('accepts a lifetime of exactly 300 s', async () => {
      expect((await get(await forGet().issuedAt(0).expiresAt(300).sign())).status).toBe(200);
    });

    it('refuses exp before iat', () =>
      expectRefused(async () => get(await forGet().issuedAt(0).expiresAt(-10).sign()), 'lifetime_too_long'));

    it('refuses iat in the future beyond the 60 s skew', () =>
      expectRefused(async () => get(await forGet().issuedAt(90).expiresAt(200).sign()), 'issued_in_future'));

    it('accepts iat in the future within the skew', async () => {
      expect((await get(await forGet().issuedAt(30).expiresAt(120).sign())).status).toBe(200);
    });

    for (const claim of ['iat', 'exp']) {
      it(`refuses a token without ${claim}`, () =>
        expectRefused(async () => get(await forGet().without(claim).sign()), 'invalid_claims'));
    }

    it('refuses a wrong aud', () =>
      expectRefused(async () => get(await forGet().withClaims({ aud: 'another-gateway' }).sign()), 'wrong_audience'));

    it('refuses an aud list naming another audience too', () =>
      expectRefused(
        async () =>
          get(
            await forGet()
              .withClaims({ aud: [aud, 'another-gateway'] })
              .sign(),
          ),
        'wrong_audience',
      ));

    it('refuses a missing jti', () =>
      expectRefused(async () => get(await forGet().without('jti').sign()), 'invalid_claims'));

    it('refuses a sub that is neither user: nor system:', () =>
      expectRefused(async () => get(await forGet().withClaims({ sub: 'admin' }).sign()), 'invalid_claims'));

    it('refuses a roles claim that is not a list of names', () =>
      expectRefused(async () => get(await forGet().withClaims({ roles: 'gateway-admin' }).sign()), 'invalid_claims'));
  });

  describe('binding to the request', () => {
    it('refuses htm not matching the method', () =>
      expectRefused(
        async () => get(await aRequestToken(cleveland, aud).forRequest('POST', '/organisations').sign()),
        'method_mismatch',
      ));

    it('refuses htu naming another path', () =>
      expectRefused(
        async () => get(await forGet(cleveland, '/organisations/police-cleveland/keys').sign()),
        'uri_mismatch',
      ));

    // GET /agreements takes a query (GET /organisations takes none: any query there is a 400 first).
    it('refuses htu with another query', () =>
      expectRefused(
        async () => get(await forGet(cleveland, '/agreements?status=ACTIVE').sign(), '/agreements?status=DRAFT'),
        'uri_mismatch',
      ));

    it('refuses htu without the query that was sent', () =>
      expectRefused(
        async () => get(await forGet(cleveland, '/agreements').sign(), '/agreements?status=DRAFT'),
        'uri_mismatch',
      ));

    it('refuses htu with a query that was not sent', () =>
      expectRefused(
        async () => get(await forGet(cleveland, '/agreements?status=DRAFT').sign(), '/agreements'),
        'uri_mismatch',
      ));

    describe('body (POST /organisations as gateway-admin)', () => {
      let body: string;
      const asAdmin = (b?: string) =>
        aRequestToken(admin, aud)
          .forRequest('POST', '/organisations', b)
          .withClaims({ roles: ['gateway-admin'] });

      beforeAll(async () => {
        const key = await aKey('probation-wales-k1');
        body = JSON.stringify({
          id: 'probation-wales',
          kind: 'NPS',
          name: 'Wales',
          region: 'Wales',
          jwks: { keys: [key.publicJwk] },
        });
      });

      it('refuses a bsh that does not match the body', () =>
        expectRefused(
          async () =>
            post(
              await asAdmin(body)
                .withClaims({ bsh: bodyHash('{}') })
                .sign(),
              body,
            ),
          'body_hash_mismatch',
        ));

      it('refuses a body changed after signing', async () => {
        const token = await asAdmin(body).sign();
        const changed = body.replace('"Wales"', '"Wales "');
        await expectRefused(() => post(token, changed), 'body_hash_mismatch');
      });

      it('refuses a body with no bsh at all', () =>
        expectRefused(async () => post(await asAdmin().sign(), body), 'body_hash_mismatch'));

      it('refuses a bsh in hex rather than base64url', () =>
        expectRefused(
          async () =>
            post(
              await asAdmin(body)
                .withClaims({ bsh: createHash('sha256').update(body).digest('hex') })
                .sign(),
              body,
            ),
          'body_hash_mismatch',
        ));

      it('refuses a bsh on a request with an empty body', () =>
        expectRefused(
          async () =>
            get(
              await forGet()
                .withClaims({ bsh: bodyHash('{}') })
                .sign(),
            ),
          'body_hash_mismatch',
        ));

      it('accepts the same body when bsh matches (and writes it)', async () => {
        const res = await post(await asAdmin(body).sign(), body);
        expect(res.status).toBe(201);
        expect(await gw.sql('SELECT id FROM organisations WHERE id = $1', ['probation-wales'])).toHaveLength(1);
      });
    });
  });

  describe('replay', () => {
    it('refuses a second use of the same token', async () => {
      const token = await forGet().sign();
      expect((await get(token)).status).toBe(200);
      await expectRefused(() => get(token), 'replayed');
    });

    it('refuses another token with a used jti', async () => {
      const first = forGet();
      expect((await get(await first.sign())).status).toBe(200);
      await expectRefused(
        async () =>
          get(
            await forGet(cleveland, '/agreements?status=ACTIVE').withClaims({ jti: first.jti }).sign(),
            '/agreements?status=ACTIVE',
          ),
        'replayed',
      );
    });

    it('does not confuse equal jti values of different issuers', async () => {
      const a = forGet(cleveland);
      expect((await get(await a.sign())).status).toBe(200);
      expect((await get(await forGet(durham).withClaims({ jti: a.jti }).sign())).status).toBe(200);
    });

    it('accepts exactly one of 20 parallel copies of a token', async () => {
      const t = forGet();
      const token = await t.sign();
      const results = await Promise.all(Array.from({ length: 20 }, () => get(token)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(401)]);
      for (const r of results.filter((x) => x.status === 401))
        expect(r.body.type).toBe('urn:probation-gateway:problem:auth_replayed');
      expect(await gw.sql('SELECT 1 FROM request_tokens WHERE jti = $1', [t.jti])).toHaveLength(1);
    });

    it("leaves in the request's context the state counters its claim's statement read, and a refused claim none", async () => {
      const replay = gw.app.get(ReplayStore);
      const [{ version }] = await gw.sql<{ version: string }>(
        'SELECT version::text AS version FROM agreements_state WHERE id = 1',
      );
      const claim = async (jti: string) => {
        const context: RequestContext = { requestId: `claim-${jti}` };
        const accepted = await requestContext.run(context, () =>
          replay.claim('police-cleveland', jti, new Date(Date.now() + 60_000)),
        );
        return { accepted, counters: context.counters };
      };
      const jti = `counters-${Date.now()}`;
      expect(await claim(jti)).toEqual({ accepted: true, counters: expect.objectContaining({ agreements: version }) });
      expect(await claim(jti)).toEqual({ accepted: false, counters: undefined });
    });

    it("leaves in the request's context the row its route reads with its claim, read in the claim's own statement", async () => {
      const replay = gw.app.get(ReplayStore);
      await gw.sql(
        `INSERT INTO cases (crn, managing_org, person, tier, rosh, iom_cohort, iom_force)
         VALUES ('Z900001', 'nps-north-east', '{"givenName":"Ann","familyName":"Claim","dateOfBirth":"1990-01-01"}', 'B2', '{"overall":"LOW"}', false, NULL)
         ON CONFLICT DO NOTHING`,
      );
      const claim = async (jti: string, read?: { name: string; key: unknown }) => {
        const context: RequestContext = { requestId: `claim-${jti}` };
        const accepted = await requestContext.run(context, () =>
          replay.claim('police-cleveland', jti, new Date(Date.now() + 60_000), read),
        );
        return { accepted, rows: context.rows };
      };
      const jti = (n: string) => `reads-${n}-${Date.now()}`;
      // Several claims in one statement: each gets its own row of its own read, or that there is
      // none, or nothing. The first claim's statement is in flight while the others queue, so they
      // all go in the next one.
      const unknownRequest = '00000000-0000-4000-8000-00000000abcd';
      const statements = jest.spyOn(PreparedStatement.prototype, 'rows');
      let batches: number[] | undefined;
      const [, found, missing, request, malformed, none] = await Promise.all([
        claim(jti('first')),
        claim(jti('found'), { name: 'case', key: 'Z900001' }),
        claim(jti('missing'), { name: 'case', key: 'Z999999' }),
        claim(jti('request'), { name: 'exchange-request', key: unknownRequest }),
        claim(jti('malformed'), { name: 'case', key: "Z1' OR true --" }),
        claim(jti('none')),
      ]).finally(() => {
        batches = statements.mock.calls.map(([, values]) => (values[1] as string[]).length);
        statements.mockRestore();
      });
      expect(batches).toEqual([1, 5]);
      expect(found).toEqual({
        accepted: true,
        rows: { case: { key: 'Z900001', row: expect.objectContaining({ crn: 'Z900001', tier: 'B2', a: null }) } },
      });
      expect(missing).toEqual({ accepted: true, rows: { case: { key: 'Z999999', row: null } } });
      expect(request).toEqual({ accepted: true, rows: { 'exchange-request': { key: unknownRequest, row: null } } });
      // A key not of the read's form is never read (the SQL may cast it), and the claim stands.
      expect(malformed).toEqual({ accepted: true, rows: undefined });
      expect(none).toEqual({ accepted: true, rows: undefined });
      const again = jti('again');
      expect((await claim(again, { name: 'case', key: 'Z900001' })).accepted).toBe(true);
      expect(await claim(again, { name: 'case', key: 'Z900001' })).toEqual({ accepted: false, rows: undefined });
    });

    it("has the request's counters from its claim while it is handled, and none once it is answered", async () => {
      const contexts: RequestContext[] = [];
      const assigned: unknown[] = [];
      const enterWith = requestContext.enterWith.bind(requestContext);
      const spy = jest.spyOn(requestContext, 'enterWith').mockImplementation((context: RequestContext) => {
        let counters: RequestContext['counters'];
        Object.defineProperty(context, 'counters', {
          get: () => counters,
          set: (v: RequestContext['counters']) => {
            counters = v;
            assigned.push(v);
          },
          enumerable: true,
        });
        contexts.push(context);
        enterWith(context);
      });
      try {
        expect((await get(await forGet().sign())).status).toBe(200);
      } finally {
        spy.mockRestore();
      }
      expect(contexts).toHaveLength(1);
      await eventually("the answered request's counters are dropped", () => assigned.length === 2, 5000, 10);
      expect(assigned).toEqual([expect.objectContaining({ agreements: expect.stringMatching(/^\d+$/) }), undefined]);
      expect(contexts[0].counters).toBeUndefined();
    });

    it('does not record the jti of a refused token, so a forger cannot burn it', async () => {
      const t = forGet();
      await expectRefused(async () => get(await t.withClaims({ aud: 'another-gateway' }).sign()), 'wrong_audience');
      expect(await gw.sql('SELECT 1 FROM request_tokens WHERE jti = $1', [t.jti])).toHaveLength(0);
      expect((await get(await forGet().withClaims({ jti: t.jti }).sign())).status).toBe(200);
    });
  });

  describe('key rotation', () => {
    it('refuses a revoked key at once and accepts its replacement', async () => {
      const org = gw.orgs['crc-northumbria'];
      const next = await aKey('crc-northumbria-k2');
      const body = JSON.stringify({ keys: [next.publicJwk] });
      const rotate = await gw.call(
        'PUT',
        `/organisations/${org.id}/keys`,
        { org, sub: 'system:crc-cms', roles: ['system'] },
        JSON.parse(body),
      );
      expect(rotate.status).toBe(200);
      expect(rotate.body).toEqual({ id: org.id, added: [next.kid], revoked: [org.key.kid] });

      await expectRefused(async () => get(await forGet(org).sign()), 'unknown_key');
      const rotated: TestOrg = { ...org, key: next };
      expect((await get(await forGet(rotated).sign())).status).toBe(200);
    });
  });

  describe('EdDSA', () => {
    it('accepts a request signed with a registered Ed25519 key', async () => {
      const key = await aKey('police-ed-k1', 'EdDSA');
      const reg = await gw.call(
        'POST',
        '/organisations',
        { org: admin, roles: ['gateway-admin'] },
        { id: 'police-ed', kind: 'POLICE', name: 'Ed Police', region: 'Wales', jwks: { keys: [key.publicJwk] } },
      );
      expect(reg.status).toBe(201);
      const token = await signRequestToken({
        privateKey: key.privateKey,
        alg: 'EdDSA',
        kid: key.kid,
        iss: 'police-ed',
        sub: 'system:ed',
        aud,
        method: 'GET',
        path: '/organisations',
      });
      expect((await get(token)).status).toBe(200);
    });
  });
});

describe('Authorisation and input errors', () => {
  let gw: TestGateway;
  let admin: TestOrg;
  let police: TestOrg;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = gw.orgs.gateway;
    police = gw.orgs['police-cleveland'];
  });
  afterAll(() => gw.close());

  const asAdmin = () => ({ org: admin, sub: 'user:admin-1', roles: ['gateway-admin'] });
  const registration = async (id: string, extra: Record<string, unknown> = {}) => {
    const key = await aKey(`${id}-k1`);
    return { id, kind: 'CRC', name: `${id} CRC`, region: 'North East', jwks: { keys: [key.publicJwk] }, ...extra };
  };
  /** A signed POST of raw bytes with a chosen content type (bsh over exactly those bytes). */
  const postRaw = async (body: string | Buffer, contentType: string, o = asAdmin()) => {
    const token = await gw.token('POST', '/organisations', o, body as string);
    return gw.http
      .post('/organisations')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', contentType)
      .send(body);
  };

  async function expectUnchanged(send: () => Promise<Response>, status: number, code?: string): Promise<Response> {
    const before = await databaseState(gw);
    const res = await send();
    expectProblem(res, status, code);
    const after = await databaseState(gw);
    // An accepted token leaves its replay record; nothing else may change.
    expect({ ...after, request_tokens: undefined }).toEqual({ ...before, request_tokens: undefined });
    return res;
  }

  it('is 403 for a police system registering an organisation', async () => {
    const body = await registration('crc-403');
    await expectUnchanged(
      () => gw.call('POST', '/organisations', { org: police, sub: 'system:cms', roles: ['system'] }, body),
      403,
      'role_required',
    );
  });

  it('is 403 when a partner claims gateway-admin: the role is not effective for its kind', async () => {
    const body = await registration('crc-403b');
    await expectUnchanged(
      () => gw.call('POST', '/organisations', { org: police, roles: ['gateway-admin'] }, body),
      403,
      'role_required',
    );
  });

  it('is 400 for malformed JSON', () =>
    expectUnchanged(() => postRaw('{"id": "crc-x", ', 'application/json'), 400, 'invalid_json'));

  it('is 400 for a JSON body that is not an object', () =>
    expectUnchanged(() => postRaw('[1,2]', 'application/json'), 400));

  it('is 400 for __proto__ keys', () =>
    expectUnchanged(() => postRaw('{"__proto__": {"admin": true}}', 'application/json'), 400));

  it('is 400 naming an unknown field', async () => {
    const res = await expectUnchanged(
      async () =>
        gw.call('POST', '/organisations', asAdmin(), { ...(await registration('crc-unknown')), colour: 'blue' }),
      400,
      'validation_failed',
    );
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'colour' })]));
  });

  it('is 400 naming an unknown nested field', async () => {
    const body = await registration('crc-unknown2');
    const res = await expectUnchanged(
      () => gw.call('POST', '/organisations', asAdmin(), { ...body, jwks: { ...body.jwks, extra: 1 } }),
      400,
      'validation_failed',
    );
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'jwks.extra' })]));
  });

  it('is 400 naming each missing or invalid field', async () => {
    const res = await expectUnchanged(
      () => gw.call('POST', '/organisations', asAdmin(), { id: 'Not A Slug', kind: 'GATEWAY' }),
      400,
      'validation_failed',
    );
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['id', 'kind', 'name', 'region', 'jwks']));
  });

  const badKeys: [string, () => Promise<Record<string, unknown>> | Record<string, unknown>, RegExp][] = [
    ['a private key (with d)', () => invalidJwks.privateEc(), /private member "d"/],
    ['an RSA key', () => invalidJwks.rsa(), /RSA/],
    ['a symmetric key', () => invalidJwks.symmetric(), /private member "k"|symmetric/],
    ['a P-384 key', () => invalidJwks.wrongCurve(), /P-256/],
    ['a point off the curve', () => invalidJwks.offCurve(), /not a valid point/],
    ['a key without kid', async () => ({ ...(await aKey('x')).publicJwk, kid: undefined }), /kid/],
  ];
  for (const [what, make, message] of badKeys) {
    it(`is 400 naming the field for ${what}`, async () => {
      const good = (await aKey('good-1')).publicJwk;
      const body = await registration('crc-badkey', {
        jwks: { keys: [good, JSON.parse(JSON.stringify(await make()))] },
      });
      const res = await expectUnchanged(() => gw.call('POST', '/organisations', asAdmin(), body), 400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'jwks.keys[1]', message: expect.stringMatching(message) }),
      ]);
    });
  }

  it('is 400 naming the field for a duplicate kid', async () => {
    const a = await aKey('dup-kid');
    const b = await aKey('dup-kid');
    const res = await expectUnchanged(
      async () =>
        gw.call(
          'POST',
          '/organisations',
          asAdmin(),
          await registration('crc-dup', { jwks: { keys: [a.publicJwk, b.publicJwk] } }),
        ),
      400,
    );
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'jwks.keys[1].kid' })]);
  });

  it('is 413 for a 2 MiB body', async () => {
    const body = JSON.stringify({ ...(await registration('crc-big')), name: 'x'.repeat(2 * 1024 * 1024) });
    await expectUnchanged(() => postRaw(body, 'application/json'), 413, 'payload_too_large');
  });

  it('is 415 for a text/plain body', () =>
    expectUnchanged(() => postRaw('id=crc-text', 'text/plain'), 415, 'unsupported_media_type'));

  it('is 415 for a form body', () =>
    expectUnchanged(() => postRaw('id=crc-form', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type'));

  it('is 415 for application/jose on a JSON route', () =>
    expectUnchanged(() => postRaw('a.b.c', 'application/jose'), 415, 'unsupported_media_type'));

  it('never answers 500 to hostile input', async () => {
    const attempts: (() => Promise<Response>)[] = [
      () => postRaw('null', 'application/json'),
      () => postRaw('"a string"', 'application/json'),
      () => postRaw('{"id": {"$gt": ""}}', 'application/json'),
      () =>
        postRaw(
          JSON.stringify({
            id: 'crc-deep',
            jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: { a: 1 }, y: [1], kid: 1 }] },
          }),
          'application/json',
        ),
      () =>
        postRaw(
          JSON.stringify({
            id: 'crc-deep',
            kind: 'CRC',
            name: 'n',
            region: 'r',
            jwks: { keys: ['not-an-object', 5, null] },
          }),
          'application/json',
        ),
      () => postRaw('{"constructor": {"prototype": {"x": 1}}}', 'application/json'),
      () => postRaw('\u0000\u0001', 'application/json'),
      () => postRaw(Buffer.from([0xff, 0xfe, 0x00]), 'application/octet-stream'),
      () => gw.call('GET', `/organisations/${'a'.repeat(300)}/keys`, { org: police }),
      () => gw.call('GET', '/organisations/police-cleveland/keys?at=yesterday', { org: police }),
      () => gw.call('PUT', '/organisations/NOT_A_SLUG/keys', { org: admin, roles: ['gateway-admin'] }, { keys: [] }),
      () => gw.http.get('/organisations/%E0%A4%A'),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    }
  });
});
