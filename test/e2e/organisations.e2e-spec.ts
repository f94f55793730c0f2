import type { Response } from 'supertest';
import { aKey, invalidJwks, type TestKey } from '../factories/jwk.factory.js';
import { TestGateway, type CallOptions, type TestOrg } from '../setup/test-app.js';

function expectProblem(res: Response, status: number, code?: string): void {
  expect({ status: res.status, type: res.body?.type }).toEqual({
    status,
    type: code ? `urn:probation-gateway:problem:${code}` : expect.any(String),
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('Organisations', () => {
  let gw: TestGateway;
  let admin: CallOptions;
  let police: TestOrg;

  beforeAll(async () => {
    gw = await TestGateway.start();
    admin = { org: gw.orgs.gateway, sub: 'user:admin-1', roles: ['gateway-admin'] };
    police = gw.orgs['police-cleveland'];
  });
  afterAll(() => gw.close());

  const systemOf = (org: TestOrg): CallOptions => ({ org, sub: `system:${org.id}-cms`, roles: ['system'] });
  const registration = (id: string, key: TestKey, extra: Record<string, unknown> = {}) => ({
    id,
    kind: 'CRC',
    name: `CRC ${id}`,
    region: 'North West',
    jwks: { keys: [key.publicJwk] },
    ...extra,
  });

  describe('GET /organisations', () => {
    it('lists every organisation with exactly id, kind, name, region and status', async () => {
      const res = await gw.call('GET', '/organisations', { org: police, roles: ['iom-officer'] });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const ids = res.body.map((o: { id: string }) => o.id);
      expect(ids).toEqual(
        expect.arrayContaining([
          'gateway',
          'nps-north-east',
          'crc-durham-tees-valley',
          'crc-northumbria',
          'police-cleveland',
          'police-durham',
        ]),
      );
      expect(ids).toEqual([...ids].sort());
      for (const o of res.body) expect(Object.keys(o).sort()).toEqual(['id', 'kind', 'name', 'region', 'status']);
      expect(res.body.find((o: { id: string }) => o.id === 'gateway')).toEqual({
        id: 'gateway',
        kind: 'GATEWAY',
        name: expect.any(String),
        region: expect.any(String),
        status: 'ACTIVE',
      });
      expect(res.body.find((o: { id: string }) => o.id === 'police-cleveland')).toMatchObject({
        kind: 'POLICE',
        status: 'ACTIVE',
      });
    });

    it('needs a signed request', async () => {
      expectProblem(await gw.http.get('/organisations'), 401, 'auth_missing_token');
    });
  });

  describe('POST /organisations', () => {
    it('registers an organisation (201) whose key then signs requests', async () => {
      const key = await aKey('crc-cumbria-k1');
      const res = await gw.call('POST', '/organisations', admin, registration('crc-cumbria', key));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: 'crc-cumbria',
        kind: 'CRC',
        name: 'CRC crc-cumbria',
        region: 'North West',
        status: 'ACTIVE',
      });
      const [row] = await gw.sql<{ kind: string; status: string }>(
        'SELECT kind, status FROM organisations WHERE id = $1',
        ['crc-cumbria'],
      );
      expect(row).toEqual({ kind: 'CRC', status: 'ACTIVE' });
      const keys = await gw.sql<{ kid: string; jwk: Record<string, unknown> }>(
        'SELECT kid, jwk FROM organisation_keys WHERE org_id = $1',
        ['crc-cumbria'],
      );
      expect(keys).toEqual([{ kid: 'crc-cumbria-k1', jwk: expect.not.objectContaining({ d: expect.anything() }) }]);

      const cumbria: TestOrg = { id: 'crc-cumbria', kind: 'CRC', key };
      const list = await gw.call('GET', '/organisations', { org: cumbria, roles: ['system'] });
      expect(list.status).toBe(200);
      expect(list.body.map((o: { id: string }) => o.id)).toContain('crc-cumbria');
    });

    it('is 409 for an id already registered, and keeps the first registration', async () => {
      const first = await aKey('crc-lancs-k1');
      const second = await aKey('crc-lancs-k2');
      expect((await gw.call('POST', '/organisations', admin, registration('crc-lancs', first))).status).toBe(201);
      const res = await gw.call(
        'POST',
        '/organisations',
        admin,
        registration('crc-lancs', second, { name: 'Imposter' }),
      );
      expectProblem(res, 409, 'organisation_already_exists');
      expect(await gw.sql('SELECT name FROM organisations WHERE id = $1', ['crc-lancs'])).toEqual([
        { name: 'CRC crc-lancs' },
      ]);
      expect(await gw.sql('SELECT kid FROM organisation_keys WHERE org_id = $1', ['crc-lancs'])).toEqual([
        { kid: 'crc-lancs-k1' },
      ]);
    });

    it('is 409 for the operator id "gateway"', async () => {
      const res = await gw.call(
        'POST',
        '/organisations',
        admin,
        registration('gateway', await aKey('g-2'), { kind: 'NPS' }),
      );
      expectProblem(res, 409);
    });

    it('is 400 for kind GATEWAY', async () => {
      const res = await gw.call(
        'POST',
        '/organisations',
        admin,
        registration('another-operator', await aKey('o-1'), { kind: 'GATEWAY' }),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    });

    it.each([
      ['id', { id: 'Has Spaces' }],
      ['id', { id: 'x' }],
      ['name', { name: '' }],
      ['name', { name: '   ' }],
      ['name', { name: 'Durham \u202eCRC' }],
      ['name', { name: 'Durham\u0007 CRC' }],
      ['region', { region: '\t' }],
      ['region', { region: 42 }],
      ['jwks.keys', { jwks: { keys: [] } }],
      ['jwks', { jwks: 'none' }],
    ])('is 400 naming %s', async (field, override) => {
      const res = await gw.call(
        'POST',
        '/organisations',
        admin,
        registration('crc-invalid', await aKey('i-1'), override),
      );
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await gw.sql('SELECT 1 FROM organisations WHERE id = $1', ['crc-invalid'])).toHaveLength(0);
    });

    it('is 400 naming each invalid key', async () => {
      const res = await gw.call('POST', '/organisations', admin, {
        ...registration('crc-keys', await aKey('ok-1')),
        jwks: { keys: [invalidJwks.symmetric(), (await aKey('ok-2')).publicJwk, await invalidJwks.rsa()] },
      });
      expectProblem(res, 400, 'invalid_jwk');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['jwks.keys[0]', 'jwks.keys[2]']);
    });

    it('is 403 for anyone but gateway-admin, including the operator without the role', async () => {
      for (const caller of [systemOf(police), { org: gw.orgs.gateway, roles: ['ig-reviewer'] }]) {
        expectProblem(
          await gw.call('POST', '/organisations', caller, registration('crc-nope', await aKey('n-1'))),
          403,
          'role_required',
        );
      }
      expect(await gw.sql('SELECT 1 FROM organisations WHERE id = $1', ['crc-nope'])).toHaveLength(0);
    });
  });

  describe('PUT /organisations/{id}/keys', () => {
    let org: TestOrg;
    let k1: TestKey;

    beforeAll(async () => {
      k1 = await aKey('crc-rot-k1');
      expect((await gw.call('POST', '/organisations', admin, registration('crc-rot', k1))).status).toBe(201);
      org = { id: 'crc-rot', kind: 'CRC', key: k1 };
    });

    const activeKids = async (id: string) =>
      (
        await gw.sql<{ kid: string }>(
          'SELECT kid FROM organisation_keys WHERE org_id = $1 AND revoked_at IS NULL ORDER BY kid',
          [id],
        )
      ).map((r) => r.kid);

    it("lets the organisation's own system add a key (200, nothing revoked)", async () => {
      const k2 = await aKey('crc-rot-k2');
      const res = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), {
        keys: [k1.publicJwk, k2.publicJwk],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: org.id, added: ['crc-rot-k2'], revoked: [] });
      expect(await activeKids(org.id)).toEqual(['crc-rot-k1', 'crc-rot-k2']);
      // Both keys sign.
      expect((await gw.call('GET', '/organisations', { org })).status).toBe(200);
      expect((await gw.call('GET', '/organisations', { org: { ...org, key: k2 } })).status).toBe(200);
      org = { ...org, key: k2 };
    });

    it('revokes left-out keys at once on this instance', async () => {
      const k3 = await aKey('crc-rot-k3');
      // Warm the key cache with k1 so the test shows the rotation drops cached keys.
      expect((await gw.call('GET', '/organisations', { org: { ...org, key: k1 } })).status).toBe(200);
      const res = await gw.call('PUT', `/organisations/${org.id}/keys`, admin, { keys: [k3.publicJwk] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: org.id, added: ['crc-rot-k3'], revoked: ['crc-rot-k1', 'crc-rot-k2'] });
      expect(await activeKids(org.id)).toEqual(['crc-rot-k3']);
      expectProblem(await gw.call('GET', '/organisations', { org: { ...org, key: k1 } }), 401, 'auth_unknown_key');
      expectProblem(await gw.call('GET', '/organisations', { org }), 401, 'auth_unknown_key');
      org = { ...org, key: k3 };
      expect((await gw.call('GET', '/organisations', { org })).status).toBe(200);
    });

    it("is 403 for another organisation's system, and changes nothing", async () => {
      const before = await gw.sql('SELECT kid, revoked_at FROM organisation_keys WHERE org_id = $1 ORDER BY kid', [
        org.id,
      ]);
      const res = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(police), {
        keys: [(await aKey('evil-1')).publicJwk],
      });
      expectProblem(res, 403, 'role_required');
      expect(
        await gw.sql('SELECT kid, revoked_at FROM organisation_keys WHERE org_id = $1 ORDER BY kid', [org.id]),
      ).toEqual(before);
    });

    it('answers another organisation the same (403) for an id that does not exist', async () => {
      const res = await gw.call('PUT', '/organisations/crc-nowhere/keys', systemOf(police), {
        keys: [(await aKey('evil-2')).publicJwk],
      });
      expectProblem(res, 403, 'role_required');
    });

    it('is 404 for gateway-admin on an unknown id', async () => {
      expectProblem(
        await gw.call('PUT', '/organisations/crc-nowhere/keys', admin, { keys: [(await aKey('x-1')).publicJwk] }),
        404,
        'organisation_not_found',
      );
    });

    it('is 403 for a person of the organisation without the system role', async () => {
      const res = await gw.call(
        'PUT',
        `/organisations/${org.id}/keys`,
        { org, roles: ['offender-manager'] },
        { keys: [org.key.publicJwk] },
      );
      expectProblem(res, 403, 'role_required');
    });

    it('is 409 when a kid is reused for a different key', async () => {
      const impostor = await aKey(org.key.kid);
      const res = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), { keys: [impostor.publicJwk] });
      expectProblem(res, 409, 'kid_reused');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'keys[0].kid' })]);
      expect(await activeKids(org.id)).toEqual([org.key.kid]);
    });

    it('is 409 when a revoked kid is sent back, even with its old key', async () => {
      const res = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), {
        keys: [org.key.publicJwk, k1.publicJwk],
      });
      expectProblem(res, 409, 'kid_reused');
      expect(await activeKids(org.id)).toEqual([org.key.kid]);
      expectProblem(await gw.call('GET', '/organisations', { org: { ...org, key: k1 } }), 401, 'auth_unknown_key');
    });

    it('is 400 for an empty key set or invalid keys, naming the field', async () => {
      const empty = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), { keys: [] });
      expectProblem(empty, 400, 'validation_failed');
      expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('keys');
      const priv = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), {
        keys: [await invalidJwks.privateEc()],
      });
      expectProblem(priv, 400, 'invalid_jwk');
      expect(priv.body.errors).toEqual([expect.objectContaining({ field: 'keys[0]' })]);
      const dup = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), {
        keys: [org.key.publicJwk, org.key.publicJwk],
      });
      expectProblem(dup, 400, 'duplicate_kid');
      expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'keys[1].kid' })]);
      // A kid in personal keys' namespace is an invalid key, not a duplicate.
      const personal = await gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), {
        keys: [org.key.publicJwk, (await aKey('person-abc')).publicJwk],
      });
      expectProblem(personal, 400, 'invalid_jwk');
      expect(personal.body.errors).toEqual([expect.objectContaining({ field: 'keys[1].kid' })]);
      expect(await activeKids(org.id)).toEqual([org.key.kid]);
    });

    it('answers two concurrent rotations adding one kid for two keys with one 200 and one 409: no caller is told a key was added that was not', async () => {
      for (let round = 0; round < 3; round++) {
        const kid = `crc-rot-race-${round}`;
        const [a, b] = [await aKey(kid), await aKey(kid)];
        const answers = await Promise.all(
          [a, b].map((k) =>
            gw.call('PUT', `/organisations/${org.id}/keys`, systemOf(org), { keys: [org.key.publicJwk, k.publicJwk] }),
          ),
        );
        expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
        const stored = answers[0].status === 200 ? a : b;
        // The one told 200 signs with its key.
        expect((await gw.call('GET', '/organisations', { org: { ...org, key: stored } })).status).toBe(200);
      }
    });

    it('is 400 for an id that is not a slug', async () => {
      const res = await gw.call('PUT', '/organisations/Not_A_Slug/keys', admin, { keys: [org.key.publicJwk] });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('id');
    });
  });

  describe('GET /organisations/{id}/keys', () => {
    let k1: TestKey;
    let k2: TestKey;
    let beforeRotation: string;
    let afterRotation: string;

    beforeAll(async () => {
      k1 = await aKey('nps-hist-k1');
      k2 = await aKey('nps-hist-k2');
      expect(
        (await gw.call('POST', '/organisations', admin, { ...registration('nps-hist', k1), kind: 'NPS' })).status,
      ).toBe(201);
      beforeRotation = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5)); // timestamps are to the millisecond
      expect((await gw.call('PUT', '/organisations/nps-hist/keys', admin, { keys: [k2.publicJwk] })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 5));
      afterRotation = new Date().toISOString();
    });

    it('returns the whole key history, public parts only', async () => {
      const res = await gw.call('GET', '/organisations/nps-hist/keys', { org: police });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe('nps-hist');
      expect(res.body.keys).toEqual([
        {
          kid: 'nps-hist-k1',
          jwk: expect.objectContaining({
            kid: 'nps-hist-k1',
            kty: 'EC',
            crv: 'P-256',
            x: k1.publicJwk.x,
            y: k1.publicJwk.y,
          }),
          addedAt: expect.any(String),
          revokedAt: expect.any(String),
        },
        {
          kid: 'nps-hist-k2',
          jwk: expect.objectContaining({ kid: 'nps-hist-k2' }),
          addedAt: expect.any(String),
          revokedAt: null,
        },
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(/"d"/);
    });

    it('returns the keys active at an instant (?at=)', async () => {
      const then = await gw.call('GET', `/organisations/nps-hist/keys?at=${encodeURIComponent(beforeRotation)}`, {
        org: police,
      });
      expect(then.status).toBe(200);
      expect(then.body.keys.map((k: { kid: string }) => k.kid)).toEqual(['nps-hist-k1']);
      const now = await gw.call('GET', `/organisations/nps-hist/keys?at=${encodeURIComponent(afterRotation)}`, {
        org: police,
      });
      expect(now.body.keys.map((k: { kid: string }) => k.kid)).toEqual(['nps-hist-k2']);
      const before = await gw.call('GET', '/organisations/nps-hist/keys?at=2000-01-01T00:00:00Z', { org: police });
      expect(before.body.keys).toEqual([]);
    });

    it('is 400 for an at that is not an RFC 3339 instant', async () => {
      for (const at of ['yesterday', '2025-13-45T00:00:00Z', '1700000000']) {
        const res = await gw.call('GET', `/organisations/nps-hist/keys?at=${at}`, { org: police });
        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'at' })]);
      }
    });

    it('is 404 for an unknown organisation', async () => {
      expectProblem(
        await gw.call('GET', '/organisations/nps-nowhere/keys', { org: police }),
        404,
        'organisation_not_found',
      );
    });
  });
});
