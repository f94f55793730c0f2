import type { StartedProcess } from '../../bench/lib/spawn.js';
import { demoClaimMapping } from '../../src/demo/demo-people.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { TestGateway } from '../setup/test-app.js';
import { Browser, signInThroughIdp, startDemoIdp } from '../support/people.js';

describe('PUT/GET/DELETE /organisations/{id}/identity-provider: an organisation registers its identity provider', () => {
  let gw: TestGateway;
  let base: string;
  let idp: { issuer: string; process: StartedProcess };

  const system = (org: string) => ({ org: gw.orgs[org], roles: ['system'], sub: `system:${org}-admin` });
  const admin = () => ({ org: gw.orgs.gateway, roles: ['gateway-admin'], sub: 'user:operator-1' });
  const path = (org: string) => `/organisations/${org}/identity-provider`;
  const registration = (org: string, over: Record<string, unknown> = {}) => ({
    issuer: idp.issuer,
    clientId: `gateway-${org}`,
    clientAuthentication: 'private_key_jwt',
    claimMapping: demoClaimMapping(org),
    ...over,
  });
  /** The access-log entries about an organisation's IdP, in log order. */
  const logged = async (org: string) =>
    (
      await gw.sql<{ entry: Buffer }>(
        `SELECT entry FROM access_log_entries
          WHERE convert_from(entry, 'UTF8')::jsonb->'resource'->>'type' = 'identity-provider'
            AND convert_from(entry, 'UTF8')::jsonb->'resource'->>'id' = $1 ORDER BY idx`,
        [org],
      )
    ).map(
      (r) =>
        JSON.parse(r.entry.toString('utf8')) as {
          action: string;
          actor: { org: string; sub: string };
          reasons: string[];
        },
    );
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

  beforeAll(async () => {
    gw = await TestGateway.start({ orgs: DEMO_ORGANISATIONS });
    await gw.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(gw.app.getHttpServer().address() as { port: number }).port}`;
    idp = await startDemoIdp(gw, base);
  });
  afterAll(async () => {
    await idp?.process.stop();
    await gw?.close();
  });

  it('the organisation’s own system reads its registration back; a change moves the revision on and is logged', async () => {
    const before = await gw.call('GET', path('police-cleveland'), system('police-cleveland'));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      org: 'police-cleveland',
      issuer: idp.issuer,
      clientId: 'gateway-police-cleveland',
      clientAuthentication: 'private_key_jwt',
      claimMapping: { rolesClaim: 'groups', attributes: { force: 'force' }, required: { org: 'police-cleveland' } },
    });
    // The same registration again changes nothing: same revision, no session ended.
    const same = await gw.call(
      'PUT',
      path('police-cleveland'),
      system('police-cleveland'),
      registration('police-cleveland'),
    );
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ changed: false, revision: before.body.revision, sessionsEnded: 0 });

    const mapping = { ...demoClaimMapping('police-cleveland'), attributes: { force: 'force', team: 'team' } };
    const changed = await gw.call(
      'PUT',
      path('police-cleveland'),
      system('police-cleveland'),
      registration('police-cleveland', { claimMapping: mapping }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ changed: true, revision: before.body.revision + 1 });
    expect(changed.body.claimMapping.attributes).toEqual({ force: 'force', team: 'team' });
    const entries = await logged('police-cleveland');
    expect(entries.map((e) => e.action)).toEqual(['identity-provider.register', 'identity-provider.register']);
    expect(entries[1].actor).toMatchObject({ org: 'police-cleveland', sub: 'system:police-cleveland-admin' });
    expect(entries[1].reasons).toEqual(expect.arrayContaining(['changed', `revision:${before.body.revision + 1}`]));
  });

  it('a change ends the organisation’s people’s sessions (and only theirs)', async () => {
    const officer = new Browser();
    const other = new Browser();
    await signInThroughIdp(officer, base, 'police-durham', 'iom-officer@police-durham');
    await signInThroughIdp(other, base, 'police-cleveland', 'iom-officer@police-cleveland');
    expect((await officer.get(`${base}/home`)).status).toBe(200);

    const res = await gw.call(
      'PUT',
      path('police-durham'),
      admin(),
      registration('police-durham', { clientId: 'gateway-police-durham-2' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changed: true, sessionsEnded: 1, clientId: 'gateway-police-durham-2' });
    expect((await officer.get(`${base}/home`)).status).toBe(303);
    expect((await other.get(`${base}/home`)).status).toBe(200);
    expect((await gw.sql(`SELECT 1 FROM person_sessions WHERE org_id = 'police-durham'`)).length).toBe(0);
    // The operator acted: the log names the operator, and the organisation whose IdP it is.
    const [last] = (await logged('police-durham')).slice(-1);
    expect(last).toMatchObject({
      action: 'identity-provider.register',
      actor: { org: 'gateway', sub: 'user:operator-1' },
    });
    expect(last.reasons).toContain('sessions-ended:1');
    await gw.call('PUT', path('police-durham'), admin(), registration('police-durham'));
  });

  it('refuses invalid registrations with 400 problem+json naming each field, and changes nothing', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ issuer: 'http://idp.police-cleveland.example' }, ['issuer']],
      [{ issuer: 'not a url' }, ['issuer']],
      [{ issuer: 'https://idp.example/?tenant=1' }, ['issuer']],
      [{ issuer: undefined }, ['issuer']],
      [{ clientId: '' }, ['clientId']],
      [{ clientAuthentication: 'client_secret_basic' }, ['clientAuthentication']],
      [{ claimMapping: 'groups' }, ['claimMapping']],
      [
        { claimMapping: { ...demoClaimMapping('police-cleveland'), roles: { Admins: 'gateway-admin' } } },
        ['claimMapping.roles.Admins'],
      ],
      [
        { claimMapping: { ...demoClaimMapping('police-cleveland'), roles: { OMs: 'offender-manager' } } },
        ['claimMapping.roles.OMs'],
      ],
      [
        { claimMapping: { ...demoClaimMapping('police-cleveland'), roles: { X: 'superuser' } } },
        ['claimMapping.roles.X'],
      ],
      [{ claimMapping: { ...demoClaimMapping('police-cleveland'), roles: {} } }, ['claimMapping.roles']],
      [
        { claimMapping: { ...demoClaimMapping('police-cleveland'), attributes: { 'Bad Name': 'x' } } },
        ['claimMapping.attributes.Bad Name'],
      ],
      [{ claimMapping: { ...demoClaimMapping('police-cleveland'), extra: 1 } }, ['claimMapping.extra']],
      [{ issuer: 'ftp://idp.example', clientId: 7 }, ['clientId', 'issuer']],
    ];
    const before = await gw.sql(
      `SELECT revision, claim_mapping FROM identity_providers WHERE org_id = 'police-cleveland'`,
    );
    for (const [over, fields] of cases) {
      const res = await gw.call(
        'PUT',
        path('police-cleveland'),
        system('police-cleveland'),
        registration('police-cleveland', over),
      );
      expect([res.status, fieldsOf(res.body as { errors?: { field: string }[] })]).toEqual([400, fields]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // A field the contract does not have is refused too.
    const extra = await gw.call('PUT', path('police-cleveland'), system('police-cleveland'), {
      ...registration('police-cleveland'),
      secret: 's',
    });
    expect(extra.status).toBe(400);
    expect(
      await gw.sql(`SELECT revision, claim_mapping FROM identity_providers WHERE org_id = 'police-cleveland'`),
    ).toEqual(before);
  });

  it('only the organisation’s own system or gateway-admin: another organisation’s answers 404, another role 403', async () => {
    const other = await gw.call('GET', path('police-cleveland'), system('police-durham'));
    expect(other.status).toBe(404);
    const unknown = await gw.call('GET', path('no-such-org'), system('police-durham'));
    expect(unknown.status).toBe(404);
    expect(other.body.detail.replace('police-cleveland', 'X')).toBe(unknown.body.detail.replace('no-such-org', 'X'));
    const reviewer = await gw.call(
      'PUT',
      path('police-cleveland'),
      { org: gw.orgs['police-cleveland'], roles: ['ig-reviewer'] },
      registration('police-cleveland'),
    );
    expect(reviewer.status).toBe(403);
    const officerDelete = await gw.call('DELETE', path('police-cleveland'), {
      org: gw.orgs['police-cleveland'],
      roles: ['iom-officer'],
    });
    expect(officerDelete.status).toBe(403);
    expect((await gw.call('GET', path('police-cleveland'), admin())).status).toBe(200);
    expect((await gw.call('GET', path('no-such-org'), admin())).status).toBe(404);
  });

  it('DELETE removes the registration: sign-in is no longer offered, sessions end, and it is logged', async () => {
    const person = new Browser();
    await signInThroughIdp(person, base, 'crc-durham-tees-valley', 'data-owner@crc-durham-tees-valley');
    expect((await person.get(`${base}/home`)).status).toBe(200);
    const res = await gw.call('DELETE', path('crc-durham-tees-valley'), system('crc-durham-tees-valley'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ org: 'crc-durham-tees-valley', sessionsEnded: 1 });
    expect((await person.get(`${base}/home`)).status).toBe(303);
    expect((await gw.call('GET', path('crc-durham-tees-valley'), system('crc-durham-tees-valley'))).status).toBe(404);
    expect((await gw.call('DELETE', path('crc-durham-tees-valley'), system('crc-durham-tees-valley'))).status).toBe(
      404,
    );
    expect((await person.get(`${base}/sign-in/crc-durham-tees-valley`)).status).toBe(400);
    expect((await logged('crc-durham-tees-valley')).map((e) => e.action)).toEqual(['identity-provider.remove']);

    // Registered again it starts at revision 1; no session from before comes back to life.
    const again = await gw.call(
      'PUT',
      path('crc-durham-tees-valley'),
      system('crc-durham-tees-valley'),
      registration('crc-durham-tees-valley'),
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: true, revision: 1 });
    expect((await person.get(`${base}/home`)).status).toBe(303);
    const back = await signInThroughIdp(
      new Browser(),
      base,
      'crc-durham-tees-valley',
      'data-owner@crc-durham-tees-valley',
    );
    expect(back.url).toBe(`${base}/home`);
  });
});
