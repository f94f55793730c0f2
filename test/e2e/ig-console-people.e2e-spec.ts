import type { StartedProcess } from '../../bench/lib/spawn.js';
import { AccessLogWriter } from '../../src/modules/access-log/index.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { TestGateway } from '../setup/test-app.js';
import { Browser, signInThroughIdp, startDemoIdp } from '../support/people.js';

interface LoggedEntry {
  action: string;
  actor: { org: string; sub: string; idp?: string };
  reason: string | null;
}

describe('IG console API accepts a person signed in through their identity provider', () => {
  let gw: TestGateway;
  let base: string;
  let idp: { issuer: string; process: StartedProcess };
  let reviewer: Browser;
  let session: { formToken: string; sub: string };

  const api = (b: Browser, path: string, init: RequestInit = {}) => b.get(`${base}/ig/api/${path}`, init);
  const breach = () =>
    JSON.stringify({
      summary: 'Risk summary e-mailed to the wrong police mailbox',
      discoveredAt: new Date().toISOString(),
      severity: 'LOW',
    });
  const logged = async (action: string) =>
    (
      await gw.sql<{ entry: Buffer }>(
        `SELECT entry FROM access_log_entries WHERE convert_from(entry, 'UTF8')::jsonb->>'action' = $1 ORDER BY idx`,
        [action],
      )
    ).map((r) => JSON.parse(r.entry.toString('utf8')) as LoggedEntry);

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = await startDemoIdp(gw, base);
    const writer = gw.app.get(AccessLogWriter);
    const read = (actorOrg: string, ownerOrg: string, crn: string) =>
      writer.append({
        actor: { org: actorOrg, sub: 'user:officer-1', roles: ['iom-officer'] },
        action: 'case.summary',
        resource: { type: 'case', id: crn },
        crn,
        purpose: 'IOM',
        reason: 'IOM panel',
        decision: 'ALLOW',
        reasons: ['rule:police.iom.summary'],
        fieldsReleased: ['tier'],
        recipientOrg: actorOrg,
        ownerOrg,
        requestId: `req-${crn}`,
      });
    await read('police-durham', 'nps-north-east', 'D100001');
    await read('police-cleveland', 'nps-north-east', 'C100001');
    reviewer = new Browser();
    const { url } = await signInThroughIdp(reviewer, base, 'police-durham', 'ig-reviewer@police-durham');
    expect(url).toBe(`${base}/home`);
  });
  afterAll(async () => {
    await idp?.process.stop();
    await gw?.close();
  });

  it('answers who is signed in, with their name, organisation name, IdP and form token; no pasted token needed', async () => {
    const res = await api(reviewer, 'session');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      via: 'idp',
      org: 'police-durham',
      orgName: (await gw.sql<{ name: string }>(`SELECT name FROM organisations WHERE id = 'police-durham'`))[0].name,
      roles: ['ig-reviewer'],
      idp: idp.issuer,
      sub: expect.stringMatching(/^user:/),
      formToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(body.name).toEqual(expect.any(String));
    session = body as typeof session;
  });

  it('scopes the log search to the person’s organisation, as a signed ig-reviewer request of it is, and logs it naming the IdP', async () => {
    const res = await api(reviewer, 'entries?limit=50');
    expect(res.status).toBe(200);
    const crns = ((await res.json()) as { entries: { crn: string | null }[] }).entries.map((e) => e.crn);
    expect(crns).toContain('D100001');
    expect(crns).not.toContain('C100001');
    const signed = await gw.call('GET', '/access-log?limit=50', {
      org: gw.orgs['police-durham'],
      roles: ['ig-reviewer'],
    });
    expect(signed.status).toBe(200);
    const signedCrns = (signed.body as { entries: { crn: string | null }[] }).entries.map((e) => e.crn);
    expect(signedCrns.filter((c) => c === 'D100001' || c === 'C100001')).toEqual(
      crns.filter((c) => c === 'D100001' || c === 'C100001'),
    );
    const searches = (await logged('access-log.search')).filter((e) => e.actor.idp !== undefined);
    expect(searches.at(-1)).toMatchObject({
      actor: { org: 'police-durham', sub: session.sub, idp: idp.issuer },
      reason: 'Information governance review (IG console)',
    });
  });

  it('refuses a state-changing call without the form token or the console header (CSRF); accepts it with both', async () => {
    const json = { 'content-type': 'application/json' };
    const noToken = await api(reviewer, 'breaches', {
      method: 'POST',
      headers: { ...json, 'x-ig-console': '1' },
      body: breach(),
    });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { type: string }).type).toContain('ig_form_token_missing');
    const wrongToken = await api(reviewer, 'breaches', {
      method: 'POST',
      headers: { ...json, 'x-ig-console': '1', 'x-ig-form-token': 'x'.repeat(43) },
      body: breach(),
    });
    expect(wrongToken.status).toBe(403);
    const noHeader = await api(reviewer, 'breaches', {
      method: 'POST',
      headers: { ...json, 'x-ig-form-token': session.formToken },
      body: breach(),
    });
    expect(noHeader.status).toBe(403);
    expect(await gw.sql(`SELECT 1 FROM ig_breaches`)).toHaveLength(0);

    const ok = await api(reviewer, 'breaches', {
      method: 'POST',
      headers: { ...json, 'x-ig-console': '1', 'x-ig-form-token': session.formToken },
      body: breach(),
    });
    expect(ok.status).toBe(201);
    const [recorded] = await logged('ig.breach.record');
    expect(recorded.actor).toMatchObject({ org: 'police-durham', sub: session.sub, idp: idp.issuer });
  });

  it('refuses a person without the ig-reviewer role (403), and anyone not signed in (401)', async () => {
    const officer = new Browser();
    await signInThroughIdp(officer, base, 'police-durham', 'iom-officer@police-durham');
    const res = await api(officer, 'entries');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { type: string }).type).toContain('ig_not_reviewer');
    expect((await api(new Browser(), 'session')).status).toBe(401);
  });

  it('sign-out from the console ends the person’s session (with the form token only)', async () => {
    const refused = await api(reviewer, 'session', { method: 'DELETE', headers: { 'x-ig-console': '1' } });
    expect(refused.status).toBe(403);
    expect((await reviewer.get(`${base}/home`)).status).toBe(200);
    const res = await api(reviewer, 'session', {
      method: 'DELETE',
      headers: { 'x-ig-console': '1', 'x-ig-form-token': session.formToken },
    });
    expect(res.status).toBe(204);
    expect((await reviewer.get(`${base}/home`)).status).toBe(303);
    expect((await api(reviewer, 'session')).status).toBe(401);
  });
});
