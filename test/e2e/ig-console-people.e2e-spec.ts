import type { StartedProcess } from '../../bench/lib/spawn.js';
import { AccessLogWriter } from '../../src/modules/access-log/index.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { PERSON_SESSION_COOKIE } from '../../src/modules/people/index.js';
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
    const read = (actorOrg: string, ownerOrg: string, crn: string, breakGlass = false) =>
      writer.append({
        breakGlass,
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
    await read('police-durham', 'nps-north-east', 'D100002', true);
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

  it('names organisations and agreements, exports the search as CSV, and charts the reviewer’s scope', async () => {
    const names = (await (await api(reviewer, 'names')).json()) as {
      organisations: { id: string; name: string }[];
    };
    const [durham] = await gw.sql<{ name: string }>(`SELECT name FROM organisations WHERE id = 'police-durham'`);
    expect(names.organisations).toContainEqual(expect.objectContaining({ id: 'police-durham', name: durham.name }));

    const csv = await api(reviewer, 'entries.csv?crn=D100001');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^index,timestamp,actorOrg/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toContain('D100001');
    // Another organisation's read is outside the scope (only the reviewer's own export entries match).
    const other = await (await api(reviewer, 'entries.csv?crn=C100001')).text();
    expect(other).not.toContain('case.summary');
    expect((await api(reviewer, 'entries.csv?crn=nonsense')).status).toBe(400);
    const [exported] = (await logged('access-log.export')).slice(-1);
    expect(exported.actor).toMatchObject({ org: 'police-durham', idp: idp.issuer });

    const charts = (await (await api(reviewer, 'charts')).json()) as {
      days: string[];
      accessesByOrganisation: { key: string; counts: number[] }[];
      breakGlass: number[];
    };
    expect(charts.days).toHaveLength(14);
    expect(charts.accessesByOrganisation.map((s) => s.key)).toEqual(['police-durham']);
    expect(charts.accessesByOrganisation[0].counts.at(-1)).toBe(2);
    expect(charts.breakGlass.at(-1)).toBe(1);
    const tooLong = await api(reviewer, 'charts?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { errors: { field: string }[] }).errors[0].field).toBe('from');
  });

  it('lists only unreviewed misuse flags when asked', async () => {
    type Flags = { flags: { id: string; kind: string; review: unknown }[] };
    const all = (await (await api(reviewer, 'flags')).json()) as Flags;
    const flag = all.flags.find((f) => f.kind === 'BREAK_GLASS')!;
    expect(flag).toBeDefined();
    const unreviewed = (await (await api(reviewer, 'flags?unreviewed=true')).json()) as Flags;
    expect(unreviewed.flags.map((f) => f.id)).toContain(flag.id);
    const reviewed = await api(reviewer, 'flags/reviews', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ig-console': '1', 'x-ig-form-token': session.formToken },
      body: JSON.stringify({ flagId: flag.id, note: 'Checked with the duty inspector.' }),
    });
    expect(reviewed.status).toBe(201);
    const after = (await (await api(reviewer, 'flags?unreviewed=true')).json()) as Flags;
    expect(after.flags.map((f) => f.id)).not.toContain(flag.id);
    const again = (await (await api(reviewer, 'flags?unreviewed=false')).json()) as Flags;
    expect(again.flags.find((f) => f.id === flag.id)?.review).toBeTruthy();
    expect((await api(reviewer, 'flags?unreviewed=maybe')).status).toBe(400);
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

  it('sign-out from a console session held beside a person session ends both: the browser is signed out', async () => {
    const both = new Browser();
    await signInThroughIdp(both, base, 'police-durham', 'ig-reviewer@police-durham');
    const person = both.cookie(base, PERSON_SESSION_COOKIE)!;
    const pasted = await gw.call('POST', '/ig/session', {
      org: gw.orgs['police-durham'],
      roles: ['ig-reviewer'],
      sub: 'user:ig-both',
    });
    const console = (pasted.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const cookie = `${console}; ${PERSON_SESSION_COOKIE}=${person}`;
    const out = await fetch(`${base}/ig/api/session`, { method: 'DELETE', headers: { cookie, 'x-ig-console': '1' } });
    expect(out.status).toBe(204);
    expect((await fetch(`${base}/ig/api/session`, { headers: { cookie } })).status).toBe(401);
    expect((await both.get(`${base}/home`)).status).toBe(303);
  });
});
