import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { StartedProcess } from '../../bench/lib/spawn.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { activeAgreement, agreementTerms, signAs, signBytes, signatory } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway } from '../setup/test-app.js';
import { Browser, formTokenIn, signInThroughIdp, startDemoIdp } from '../support/people.js';

/** A key pair as a person's browser would make it: only the public JWK leaves (kid is the gateway's). */
async function browserKey(): Promise<{ privateKey: CryptoKey; jwk: JWK; privateJwk: JWK; kid: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const jwk = { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y };
  return {
    privateKey,
    jwk,
    privateJwk: await exportJWK(privateKey),
    kid: `person-${await calculateJwkThumbprint(jwk)}`,
  };
}

describe('Personal signing keys, the signatory pages and "ask for more" (/signing, /requests/new)', () => {
  let gw: TestGateway;
  let idp: StartedProcess;
  let base: string;
  const org = (id: string) => gw.orgs[id];
  const system = (id: string) => ({ org: org(id), roles: ['system'], sub: 'system:key-admin' });

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = (await startDemoIdp(gw, base)).process;
  });
  afterAll(async () => {
    await idp?.stop();
    await gw?.close();
  });

  async function signedIn(orgId: string, username: string): Promise<Browser> {
    const b = new Browser();
    const { url } = await signInThroughIdp(b, base, orgId, username);
    expect(url).toBe(`${base}/home`);
    return b;
  }

  async function token(b: Browser, path: string): Promise<string> {
    const res = await b.get(`${base}${path}`);
    expect(res.status).toBe(200);
    return formTokenIn(await res.text());
  }

  async function register(b: Browser, jwk: unknown, role: string) {
    return b.post(`${base}/signing/keys`, {
      formToken: await token(b, '/signing/keys'),
      jwk: JSON.stringify(jwk),
      role,
    });
  }

  const keyRow = async (kid: string) =>
    (
      await gw.sql<{
        jwk: Record<string, unknown>;
        approved_at: Date | null;
        revoked_at: Date | null;
        holder_sub: string;
        role: string;
      }>(`SELECT jwk, approved_at, revoked_at, holder_sub, role FROM person_keys WHERE kid = $1`, [kid])
    )[0];

  async function signPage(b: Browser, id: string, jws: string) {
    return b.post(`${base}/signing/${id}`, { formToken: await token(b, `/signing/${id}`), jws });
  }

  it('registers only the public half of a key, for a role the person holds, pending until the organisation approves it', async () => {
    const b = await signedIn('crc-durham-tees-valley', 'dsa-signatory@crc-durham-tees-valley');
    const key = await browserKey();
    // A private key is refused and nothing is stored.
    const priv = await register(b, key.privateJwk, 'dsa-signatory');
    expect(priv.status).toBe(400);
    expect(await priv.text()).toContain('private member');
    // Without JavaScript no key was made: the page says what to do.
    const none = await b.post(`${base}/signing/keys`, {
      formToken: await token(b, '/signing/keys'),
      jwk: '',
      role: 'dsa-signatory',
    });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('needs JavaScript');
    // A role the person does not hold.
    const wrongRole = await register(b, key.jwk, 'iom-officer');
    expect(wrongRole.status).toBe(400);
    expect(await wrongRole.text()).toContain('govuk-error-summary');
    expect(await gw.sql(`SELECT 1 FROM person_keys`)).toEqual([]);
    // A form not from this session (CSRF) changes nothing.
    const forged = await b.post(`${base}/signing/keys`, {
      formToken: 'x'.repeat(43),
      jwk: JSON.stringify(key.jwk),
      role: 'dsa-signatory',
    });
    expect(forged.status).toBe(400);
    expect(await gw.sql(`SELECT 1 FROM person_keys`)).toEqual([]);

    const ok = await register(b, key.jwk, 'dsa-signatory');
    expect(ok.status).toBe(303);
    const row = await keyRow(key.kid);
    expect(row).toMatchObject({ approved_at: null, revoked_at: null, role: 'dsa-signatory' });
    expect(Object.keys(row.jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const page = await (await b.get(`${base}/signing/keys`)).text();
    expect(page).toContain('Waiting for approval');
    // Approval from the page exists only in demonstration mode.
    const demo = await b.post(`${base}/signing/keys/${key.kid}/demo-approve`, {
      formToken: await token(b, '/signing/keys'),
    });
    expect(demo.status).toBe(404);
    expect((await keyRow(key.kid)).approved_at).toBeNull();
    // The same key again is a conflict.
    expect((await register(b, key.jwk, 'dsa-signatory')).status).toBe(409);
  });

  it('approval is for the organisation own system only; then the key signs an amended agreement on the page, for its holder only', async () => {
    const b = await signedIn('police-cleveland', 'dsa-signatory@police-cleveland');
    const key = await browserKey();
    expect((await register(b, key.jwk, 'dsa-signatory')).status).toBe(303);
    const id = await activeAgreement(gw);
    const amended = await gw.call(
      'PUT',
      `/agreements/${id}`,
      signatory(org('nps-north-east')),
      agreementTerms({ retentionDays: 365, purposes: ['IOM', 'RISK_MANAGEMENT'] }),
    );
    expect(amended.status).toBe(200);
    expect((await signAs(gw, id, org('nps-north-east'))).status).toBe(201);

    // The list and the readable rendering with what changed.
    const list = await (await b.get(`${base}/signing`)).text();
    expect(list).toContain(`href="/signing/${id}"`);
    const shown = await (await b.get(`${base}/signing/${id}`)).text();
    expect(shown).toContain('Retention changed from 730 to 365 days.');
    expect(shown).toContain('Purposes added: Risk management.');
    expect(shown).toContain('<strong>nps-north-east</strong>: Provides information');
    const documentB64 = /data-sign-payload="([^"]+)"/.exec(shown)?.[1];
    // No approved key yet: the page offers to make one instead of a sign button.
    expect(documentB64).toBeUndefined();
    const document = await (await b.get(`${base}/signing/${id}/document`)).text();
    const byPerson = await signBytes(document, { privateKey: key.privateKey, kid: key.kid });

    // Pending: the signature does not verify, and nothing is signed.
    const pending = await signPage(b, id, byPerson);
    expect(pending.status).toBe(400);
    expect(await pending.text()).toContain('not an active registered key');

    // Another organisation's system: no such key. A signatory's token: not the system. Gateway-admin cannot approve.
    const path = `/organisations/police-cleveland/person-keys/${key.kid}/approve`;
    expect((await gw.call('POST', path, system('nps-north-east'))).status).toBe(404);
    expect((await gw.call('POST', path, signatory(org('police-cleveland')))).status).toBe(403);
    const approved = await gw.call('POST', path, system('police-cleveland'));
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ kid: key.kid, status: 'ACTIVE' });
    expect((await gw.call('POST', path, system('police-cleveland'))).status).toBe(409);
    // Registering and approving are governance actions in the access log, the refusals nothing.
    const logged = await gw.sql<{ action: string; actor_org: string; owner_org: string }>(
      `SELECT action, actor_org, owner_org FROM access_log_entries
        WHERE action LIKE 'person-key.%' AND convert_from(entry, 'UTF8')::jsonb->'resource'->>'id' = $1 ORDER BY idx`,
      [key.kid],
    );
    expect(logged.map((e) => [e.action, e.actor_org, e.owner_org])).toEqual([
      ['person-key.register', 'police-cleveland', 'police-cleveland'],
      ['person-key.approve', 'police-cleveland', 'police-cleveland'],
    ]);

    // A system key rotation leaves personal keys alone, and no organisation key may take their prefix.
    const rotated = await gw.call('PUT', '/organisations/police-cleveland/keys', system('police-cleveland'), {
      keys: [org('police-cleveland').key.publicJwk],
    });
    expect(rotated.status).toBe(200);
    const taken = await gw.call('PUT', '/organisations/police-cleveland/keys', system('police-cleveland'), {
      keys: [org('police-cleveland').key.publicJwk, { ...key.jwk, kid: key.kid }],
    });
    expect(taken.status).toBe(400);
    expect((await keyRow(key.kid)).revoked_at).toBeNull();

    // The same key used by anyone but its holder, signed in, is refused: a system or another person's token.
    for (const sub of [(await keyRow(key.kid)).holder_sub, 'user:someone-else']) {
      const relayed = await gw.call('POST', `/agreements/${id}/signatures`, signatory(org('police-cleveland'), sub), {
        jws: byPerson,
      });
      expect(relayed.status).toBe(400);
      expect(relayed.body.detail).toContain('personal key of someone else');
    }
    // Another person's key on the holder's page: an officer of the same force, approved, is no signatory.
    const officer = await signedIn('police-cleveland', 'iom-officer@police-cleveland');
    const officerKey = await browserKey();
    expect((await register(officer, officerKey.jwk, 'iom-officer')).status).toBe(303);
    expect(
      (
        await gw.call(
          'POST',
          `/organisations/police-cleveland/person-keys/${officerKey.kid}/approve`,
          system('police-cleveland'),
        )
      ).status,
    ).toBe(200);
    const foreign = await signPage(
      b,
      id,
      await signBytes(document, { privateKey: officerKey.privateKey, kid: officerKey.kid }),
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('personal key of someone else');
    expect(
      (await gw.call('GET', `/agreements/${id}`, signatory(org('police-cleveland')))).body.awaitingSignatures,
    ).toEqual(['police-cleveland']);

    // The holder signs exactly the document bytes on the page: the agreement is active again.
    const again = await (await b.get(`${base}/signing/${id}`)).text();
    expect(Buffer.from(/data-sign-payload="([^"]+)"/.exec(again)![1], 'base64url').toString('utf8')).toBe(document);
    expect(again).toContain(`data-sign-kids="${key.kid}"`);
    const signed = await signPage(b, id, byPerson);
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe(`/signing/${id}?signed=1`);
    const after = await gw.call('GET', `/agreements/${id}`, signatory(org('police-cleveland')));
    expect(after.body).toMatchObject({ status: 'ACTIVE', version: 2, activeVersion: 2 });
    expect(after.body.signatures[1]).toMatchObject({ org: 'police-cleveland', kid: key.kid, jws: byPerson });
    // Anyone re-verifies it with the organisation's key history, where the approved key now is.
    const history = await gw.call('GET', '/organisations/police-cleveland/keys', system('nps-north-east'));
    expect(history.body.keys.map((k: { kid: string }) => k.kid)).toContain(key.kid);

    // The holder revokes it; it signs nothing from then on.
    const keysPage = await token(b, '/signing/keys');
    const revoked = await b.post(`${base}/signing/keys/${key.kid}/revoke`, { formToken: keysPage });
    expect(revoked.status).toBe(303);
    expect((await keyRow(key.kid)).revoked_at).not.toBeNull();
    const listed = await gw.call('GET', '/organisations/police-cleveland/person-keys', system('police-cleveland'));
    expect(listed.body.find((k: { kid: string }) => k.kid === key.kid)).toMatchObject({
      status: 'REVOKED',
      role: 'dsa-signatory',
    });
    expect((await gw.call('GET', '/organisations/police-cleveland/person-keys', system('nps-north-east'))).status).toBe(
      404,
    );
    // The operator gets the 404 its other routes give for an organisation that does not exist.
    const operator = { org: gw.orgs.gateway, sub: 'user:admin-1', roles: ['gateway-admin'] };
    expect((await gw.call('GET', '/organisations/police-cleveland/person-keys', operator)).status).toBe(200);
    expect((await gw.call('GET', '/organisations/nope-org/person-keys', operator)).status).toBe(404);
  });

  it('a signatory page is for signatories, and an agreement the organisation is no party to looks like no agreement', async () => {
    const officer = await signedIn('police-durham', 'iom-officer@police-durham');
    expect((await officer.get(`${base}/signing`)).status).toBe(403);
    const b = await signedIn('police-durham', 'dsa-signatory@police-durham');
    const id = await activeAgreement(gw);
    const other = await b.get(`${base}/signing/${id}`);
    const none = await b.get(`${base}/signing/00000000-0000-4000-8000-000000000000`);
    expect(other.status).toBe(404);
    expect(none.status).toBe(404);
    expect(await other.text()).toBe(await none.text());
    expect((await new Browser().get(`${base}/signing`)).status).toBe(303);
  });

  it('an officer asks for more: errors name each field; the signed request goes through the API command to /requests/:id', async () => {
    const agreementId = await activeAgreement(
      gw,
      agreementTerms({ dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS'] }),
    );
    await aCase(gw, 'X200001');
    const b = await signedIn('police-cleveland', 'iom-officer@police-cleveland');
    const key = await browserKey();
    expect((await register(b, key.jwk, 'iom-officer')).status).toBe(303);
    expect(
      (
        await gw.call(
          'POST',
          `/organisations/police-cleveland/person-keys/${key.kid}/approve`,
          system('police-cleveland'),
        )
      ).status,
    ).toBe(200);

    const form = await b.get(`${base}/requests/new?crn=X200001&provider=nps-north-east`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toMatch(/<option value="nps-north-east" selected/);
    const formToken = formTokenIn(html);

    const bad = await b.post(`${base}/requests/new`, { formToken, crn: 'nope', provider: 'nps-north-east' });
    expect(bad.status).toBe(400);
    const errors = await bad.text();
    for (const href of ['#crn', '#purpose', '#category-IDENTITY', '#justification', '#urgency'])
      expect(errors).toContain(`href="${href}"`);

    const noAgreement = await b.post(`${base}/requests/new`, {
      formToken,
      crn: 'X200001',
      provider: 'police-durham',
      purpose: 'IOM',
      'category-NEEDS': 'on',
      justification: 'Tasking meeting on Monday',
      urgency: 'ROUTINE',
    });
    expect(noAgreement.status).toBe(400);
    expect(await noAgreement.text()).toContain('href="#provider"');

    const check = await b.post(`${base}/requests/new`, {
      formToken,
      crn: 'X200001',
      provider: 'nps-north-east',
      purpose: 'IOM',
      'category-NEEDS': 'on',
      justification: 'Tasking meeting on Monday',
      urgency: 'ROUTINE',
    });
    expect(check.status).toBe(200);
    const page = await check.text();
    const claims = JSON.parse(Buffer.from(/data-sign-payload="([^"]+)"/.exec(page)![1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      iss: 'police-cleveland',
      provider: 'nps-north-east',
      crn: 'X200001',
      purpose: 'IOM',
      dataCategories: ['NEEDS'],
      agreementId,
    });
    expect(/data-sign-kids="([^"]*)"/.exec(page)![1].split(' ')).toContain(key.kid);

    // Another person's key (a police signatory's, approved) is refused, logged, and nothing is created.
    const s = await signedIn('police-cleveland', 'dsa-signatory@police-cleveland');
    const signatoryKey = await browserKey();
    expect((await register(s, signatoryKey.jwk, 'dsa-signatory')).status).toBe(303);
    expect(
      (
        await gw.call(
          'POST',
          `/organisations/police-cleveland/person-keys/${signatoryKey.kid}/approve`,
          system('police-cleveland'),
        )
      ).status,
    ).toBe(200);
    const foreign = await b.post(`${base}/requests/new/submit`, {
      formToken,
      crn: 'X200001',
      jws: await requestJws(org('police-cleveland'), claims, { key: signatoryKey.privateKey, kid: signatoryKey.kid }),
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('personal key of someone else');
    // A pasted request that cannot be read is named as that, at the field where it was pasted.
    const unreadable = await b.post(`${base}/requests/new/submit`, { formToken, crn: 'X200001', jws: 'a.b.c' });
    expect(unreadable.status).toBe(400);
    const text = await unreadable.text();
    expect(text).toContain('The signed request could not be read');
    expect(text).toContain('href="#jws"');
    // Signed more than five minutes before it is sent: refused in plain words, and the form comes
    // back filled in as the officer left it, to continue and sign again (nothing is lost).
    const stale = await b.post(`${base}/requests/new/submit`, {
      formToken,
      crn: 'X200001',
      jws: await requestJws(
        org('police-cleveland'),
        { ...claims, iat: Math.floor(Date.now() / 1000) - 360, jti: `stale-${Date.now()}` },
        { key: key.privateKey, kid: key.kid },
      ),
    });
    expect(stale.status).toBe(400);
    const again = await stale.text();
    expect(again).toContain('more than 5 minutes before it was sent');
    expect(again).not.toContain('iat:');
    expect(again).toContain('Tasking meeting on Monday');
    expect(again).toMatch(/value="X200001"/);
    expect(again).toMatch(/value="nps-north-east" selected/);
    // A signing time that is not a time at all is named as what it is, not blamed on the clock.
    const timeless = await b.post(`${base}/requests/new/submit`, {
      formToken,
      crn: 'X200001',
      jws: await requestJws(
        org('police-cleveland'),
        { ...claims, iat: 'yesterday', jti: `timeless-${Date.now()}` },
        { key: key.privateKey, kid: key.kid },
      ),
    });
    expect(timeless.status).toBe(400);
    const named = await timeless.text();
    expect(named).toContain('iat: is required: the signing time in seconds since the epoch');
    expect(named).not.toContain('clock of the device');
    // The officer's own key through a system's token (a relayed signature) is refused too.
    const relayed = await submit(
      gw,
      await requestJws(org('police-cleveland'), requestClaims(agreementId), { key: key.privateKey, kid: key.kid }),
      {
        org: org('police-cleveland'),
        roles: ['iom-officer'],
      },
    );
    expect(relayed.status).toBe(400);

    const jws = await requestJws(org('police-cleveland'), claims, { key: key.privateKey, kid: key.kid });
    const sent = await b.post(`${base}/requests/new/submit`, { formToken, crn: 'X200001', jws });
    expect(sent.status).toBe(303);
    const requestId = /^\/requests\/([0-9a-f-]{36})$/.exec(sent.headers.get('location') ?? '')?.[1];
    expect(requestId).toBeDefined();
    const rows = await gw.sql<{ request_kid: string }>(`SELECT request_kid FROM exchange_requests WHERE id = $1`, [
      requestId,
    ]);
    expect(rows).toEqual([{ request_kid: key.kid }]);
    // Submitted again: a replay (409), shown on the page.
    expect((await b.post(`${base}/requests/new/submit`, { formToken, crn: 'X200001', jws })).status).toBe(409);
  });
});

describe('Personal keys in demonstration mode (DEMO=true)', () => {
  let gw: TestGateway;
  let idp: StartedProcess;
  let base: string;

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS, env: { DEMO: 'true' } });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = (await startDemoIdp(gw, base)).process;
  });
  afterAll(async () => {
    await idp?.stop();
    await gw?.close();
  });

  it("the keys page approves a pending key as the organisation's system would, through the same command", async () => {
    const b = new Browser();
    await signInThroughIdp(b, base, 'crc-durham-tees-valley', 'dsa-signatory@crc-durham-tees-valley');
    const key = await browserKey();
    const page = async () => (await b.get(`${base}/signing/keys`)).text();
    const registered = await b.post(`${base}/signing/keys`, {
      formToken: formTokenIn(await page()),
      jwk: JSON.stringify(key.jwk),
      role: 'dsa-signatory',
    });
    expect(registered.status).toBe(303);
    expect(await page()).toContain(`action="/signing/keys/${key.kid}/demo-approve"`);
    const approved = await b.post(`${base}/signing/keys/${key.kid}/demo-approve`, {
      formToken: formTokenIn(await page()),
    });
    expect(approved.status).toBe(303);
    const [row] = await gw.sql<{ approved_by: string }>(`SELECT approved_by FROM person_keys WHERE kid = $1`, [
      key.kid,
    ]);
    expect(row.approved_by).toBe('crc-durham-tees-valley/system:demo-key-approver');
    expect(await page()).not.toContain('/demo-approve');
  });
});
