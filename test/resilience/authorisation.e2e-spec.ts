import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { activeAgreement, agreementTerms, draft } from '../factories/agreement.factory.js';
import { aCase, assessmentBody, caseBody, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { report } from './support/mode.js';
import { RowSnapshots } from './support/rows.js';
import { docRoutes, fillPath, type DocRoute } from './support/routes.js';
import { EXPECTED_ACCESS } from './support/access-table.js';

const ROLES = [
  'system',
  'offender-manager',
  'iom-officer',
  'mappa-coordinator',
  'data-owner',
  'dsa-signatory',
  'ig-reviewer',
  'gateway-admin',
] as const;
const KINDS: Record<string, string> = {
  NPS: 'nps-north-east',
  CRC: 'crc-durham-tees-valley',
  POLICE: 'police-cleveland',
  GATEWAY: 'gateway',
};
const PARAMS = {
  crn: 'X100001',
  id: '00000000-0000-4000-8000-000000000000',
  index: '0',
  treeSize: '1',
  version: '1',
  assessmentId: 'oasys-1',
  file: 'app.js',
};

/** "role:KIND,KIND role:KIND" for the principals a route lets past authentication and role checks. */
function describeAllowed(allowed: Set<string>): string {
  return ROLES.map((r) => [r, Object.keys(KINDS).filter((k) => allowed.has(`${k}:${r}`))] as const)
    .filter(([, ks]) => ks.length)
    .map(([r, ks]) => `${r}:${ks.join(',')}`)
    .join(' ');
}

/**
 * Function-level authorisation: every route in /docs-json, called by every role from every kind
 * of organisation (one role at a time), is let through (any status but 401/403) exactly by the
 * principals the table in support/access-table.ts names. A new route or a changed @Roles shows
 * up here as a difference to review.
 */
describe('Authorisation sweep: every route x every role x every kind of organisation', () => {
  let gw: TestGateway;
  let routes: DocRoute[];

  beforeAll(async () => {
    gw = await TestGateway.start();
    routes = await docRoutes(gw);
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
  });

  async function call(route: DocRoute, org: TestOrg, role: string) {
    const url = fillPath(route.path, PARAMS) + (route.queryParams.includes('purpose') ? '?purpose=IOM' : '');
    const jose = route.consumes.includes('application/jose');
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : jose ? 'e30.e30.e30' : '{}';
    const token = await gw.token(
      route.method,
      url,
      {
        org,
        roles: [role],
        reason: 'authorisation sweep',
        attrs: org.kind === 'POLICE' ? { force: 'cleveland' } : undefined,
      },
      body,
    );
    let r = gw.http[route.method.toLowerCase() as 'get'](url).set('authorization', `Bearer ${token}`);
    if (body !== undefined) r = r.set('content-type', jose ? 'application/jose' : 'application/json').send(body);
    return r;
  }

  it('the allowed set of every route equals the table', async () => {
    const observed: Record<string, string> = {};
    let calls = 0;
    for (const route of routes) {
      const allowed = new Set<string>();
      for (const [kind, orgId] of Object.entries(KINDS)) {
        for (const role of ROLES) {
          const res = await call(route, gw.orgs[orgId], role);
          calls++;
          expect(res.status).toBeLessThan(500);
          if (res.status !== 401 && res.status !== 403) allowed.add(`${kind}:${role}`);
        }
      }
      observed[`${route.method} ${route.path}`] = describeAllowed(allowed);
    }
    report('authorisation-sweep', {
      routes: routes.length,
      principals: Object.keys(KINDS).length * ROLES.length,
      calls,
    });
    if (process.env.RESILIENCE_PRINT_ACCESS) process.stderr.write(JSON.stringify(observed, null, 2) + '\n');
    expect(observed).toEqual(EXPECTED_ACCESS);
  }, 180_000);

  it('object level: no case, agreement, exchange request or log entry of another organisation is readable or changeable by id', async () => {
    const o = gw.orgs;
    const active = await activeAgreement(gw, agreementTerms());
    const drafted = await draft(gw, agreementTerms({ title: 'Draft between NPS and Cleveland' }));
    await aCase(gw, 'X300001');
    await aCase(gw, 'X300002', { managingOrg: 'crc-durham-tees-valley', restricted: true });
    const req = await submit(gw, await requestJws(o['police-cleveland'], requestClaims(active, { crn: 'X300001' })), {
      org: o['police-cleveland'],
    });
    expect(req.status).toBe(201);
    const requestId = req.body.id as string;
    const read = await gw.call('GET', '/cases/X300001/summary?purpose=RISK_MANAGEMENT', {
      org: o['nps-north-east'],
      roles: ['offender-manager'],
      reason: 'supervision',
    });
    expect(read.status).toBe(200);
    const entry = read.body.accessLogIndex as number;

    const durham = (roles: string[]) => ({
      org: o['police-durham'],
      roles,
      reason: 'probing',
      attrs: { force: 'durham' },
    });
    const northumbria = (roles: string[]) => ({ org: o['crc-northumbria'], roles, reason: 'probing' });
    const rows = await RowSnapshots.open(gw.db.ownerUrl);
    try {
      const before = await rows.take();
      const checks: [string, () => Promise<{ status: number; body: unknown }>, number[]][] = [
        [
          "read another organisation's case (police, no agreement)",
          () => gw.call('GET', '/cases/X300001?purpose=IOM', durham(['iom-officer'])),
          [404],
        ],
        [
          "summary of another organisation's case (CRC)",
          () => gw.call('GET', '/cases/X300001/summary?purpose=RISK_MANAGEMENT', northumbria(['offender-manager'])),
          [404],
        ],
        [
          'summary of a restricted case of another CRC',
          () => gw.call('GET', '/cases/X300002/summary?purpose=RISK_MANAGEMENT', northumbria(['offender-manager'])),
          [404],
        ],
        [
          "overwrite another organisation's case",
          () => gw.call('PUT', '/cases/X300001', northumbria(['system']), caseBody({ managingOrg: 'crc-northumbria' })),
          [403, 404, 409],
        ],
        [
          "add an assessment to another organisation's case",
          () => gw.call('PUT', '/cases/X300001/assessments/forged', durham(['system']), assessmentBody()),
          [403, 404],
        ],
        [
          "transfer another organisation's case elsewhere",
          () =>
            gw.call('POST', '/cases/X300001/transfers', northumbria(['offender-manager']), {
              toOrg: 'crc-durham-tees-valley',
              reason: 'moving it away',
            }),
          [403, 404],
        ],
        [
          'read a draft agreement one is not party to',
          () => gw.call('GET', `/agreements/${drafted}`, durham(['dsa-signatory'])),
          [404],
        ],
        [
          'amend a draft agreement one is not party to',
          () =>
            gw.call(
              'PUT',
              `/agreements/${drafted}`,
              northumbria(['dsa-signatory']),
              agreementTerms({ title: 'hijacked' }),
            ),
          [403, 404],
        ],
        [
          'suspend an agreement one is not party to',
          () =>
            gw.call('POST', `/agreements/${active}/suspend`, northumbria(['dsa-signatory']), { reason: 'sabotage' }),
          [403, 404],
        ],
        [
          'terminate an agreement one is not party to',
          () =>
            gw.call('POST', `/agreements/${active}/terminate`, northumbria(['dsa-signatory']), { reason: 'sabotage' }),
          [403, 404],
        ],
        [
          "read another organisation's exchange request",
          () => gw.call('GET', `/exchange-requests/${requestId}`, durham(['iom-officer'])),
          [404],
        ],
        [
          'decide an exchange request addressed to another provider',
          () =>
            gw.call('POST', `/exchange-requests/${requestId}/decision`, northumbria(['data-owner']), {
              decision: 'APPROVE',
              reason: 'sure',
            }),
          [403, 404],
        ],
        [
          "fetch the response of another organisation's request",
          () => gw.call('GET', `/exchange-requests/${requestId}/response`, durham(['iom-officer'])),
          [404],
        ],
        [
          'read a log entry about other organisations',
          () => gw.call('GET', `/access-log/entries/${entry}`, durham(['ig-reviewer'])),
          [404],
        ],
        [
          "replace another organisation's keys",
          () =>
            gw.call('PUT', '/organisations/nps-north-east/keys', durham(['system']), {
              keys: [o['police-durham'].key.publicJwk],
            }),
          [403, 404],
        ],
      ];
      const results: string[] = [];
      for (const [what, run, expected] of checks) {
        const r = await run();
        results.push(`${what}: ${r.status}`);
        const leaked = /"(rosh|person|tier|scores|keys)"/.test(JSON.stringify(r.body));
        expect({ what, status: r.status, refused: expected.includes(r.status), leaked }).toEqual({
          what,
          status: r.status,
          refused: true,
          leaked: false,
        });
      }
      // Lists and searches do not show them either.
      const incoming = await gw.call('GET', '/exchange-requests?direction=incoming', northumbria(['data-owner']));
      const outgoing = await gw.call('GET', '/exchange-requests?direction=outgoing', durham(['iom-officer']));
      expect(JSON.stringify(incoming.body) + JSON.stringify(outgoing.body)).not.toContain(requestId);
      const log = await gw.call('GET', '/access-log?crn=X300001', durham(['ig-reviewer']));
      expect(log.status).toBe(200);
      // Its IG sees its own staff's (denied) attempts, and nothing by anyone else about this person.
      expect((log.body.entries as { actor: { org: string } }[]).filter((e) => e.actor.org !== 'police-durham')).toEqual(
        [],
      );
      const agreements = await gw.call('GET', '/agreements', durham(['dsa-signatory']));
      expect(JSON.stringify(agreements.body)).not.toContain(drafted);

      expect(RowSnapshots.diff(before, await rows.take())).toEqual([]);
      report('authorisation-objects', { checks: checks.length + 4, results });
    } finally {
      await rows.close();
    }
  }, 120_000);
});
