import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway } from '../setup/test-app.js';

/**
 * Many auto-approved requests, and many data owners' approvals, at once against a small
 * connection pool. A release that read the agreement and the case on other pooled connections
 * while the request's row lock held one waited, with as many in flight as the pool had
 * connections, for a connection the others held until the connect timeout (503s, requests left
 * SUBMITTED or APPROVED).
 */
describe('exchange requests, many at once on a pool of 2 connections', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { DB_POOL_SIZE: '2' } });
    await aCase(gw, 'X100002', { iom: { cohort: true, force: 'cleveland' } });
    // Not in an IOM cohort: its requests wait for the data owner's decision.
    await aCase(gw, 'X100003');
  });
  afterAll(() => gw.close());

  it('fulfils every one of 12 concurrent requests on a pool of 2 connections', async () => {
    const police = gw.orgs['police-cleveland'];
    const agreement = await activeAgreement(
      gw,
      agreementTerms({
        dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS', 'LICENCE_CONDITIONS'],
        retentionDays: 730,
      }),
    );
    const bodies = await Promise.all(
      Array.from({ length: 12 }, () =>
        requestJws(police, requestClaims(agreement, { crn: 'X100002', dataCategories: ['ROSH'] })),
      ),
    );
    const results = await Promise.all(
      bodies.map((jws, i) => submit(gw, jws, { org: police, roles: ['iom-officer'], sub: `user:pc-${200 + i}` })),
    );
    expect(results.map((r) => `${r.status} ${r.body.status}`)).toEqual(Array(12).fill('201 FULFILLED'));
    const [{ n }] = await gw.sql<{ n: string }>(
      `SELECT count(*) AS n FROM exchange_requests WHERE status <> 'FULFILLED'`,
    );
    expect(Number(n)).toBe(0);
  });

  it("fulfils every one of 12 data owners' concurrent approvals on a pool of 2 connections", async () => {
    // Each approval checks the agreement and the case under the request's row lock, on the
    // locking transaction's connection: on other pooled connections, 12 at once on a pool of 2
    // would each hold one and wait for another.
    const police = gw.orgs['police-cleveland'];
    const agreement = await activeAgreement(gw, agreementTerms({ dataCategories: ['ROSH'], retentionDays: 730 }));
    const bodies = await Promise.all(
      Array.from({ length: 12 }, () =>
        requestJws(police, requestClaims(agreement, { crn: 'X100003', dataCategories: ['ROSH'] })),
      ),
    );
    const ids: string[] = [];
    for (const [i, jws] of bodies.entries()) {
      const r = await submit(gw, jws, { org: police, roles: ['iom-officer'], sub: `user:pc-${300 + i}` });
      expect(`${r.status} ${r.body.status}`).toBe('201 SUBMITTED');
      ids.push(r.body.id);
    }
    const owner = { org: gw.orgs['nps-north-east'], roles: ['data-owner'] };
    const decided = await Promise.all(
      ids.map((id) =>
        gw.call('POST', `/exchange-requests/${id}/decision`, owner, { decision: 'APPROVE', reason: 'Proportionate' }),
      ),
    );
    expect(decided.map((r) => `${r.status} ${r.body.status}`)).toEqual(Array(12).fill('200 FULFILLED'));
  });

  it('answers two data owners approving one request at once with one 200 and one 409, and logs the one decision', async () => {
    const police = gw.orgs['police-cleveland'];
    const agreement = await activeAgreement(gw, agreementTerms({ dataCategories: ['ROSH'], retentionDays: 730 }));
    for (let round = 0; round < 3; round++) {
      const jws = await requestJws(police, requestClaims(agreement, { crn: 'X100003', dataCategories: ['ROSH'] }));
      const r = await submit(gw, jws, { org: police, roles: ['iom-officer'], sub: 'user:pc-400' });
      expect(`${r.status} ${r.body.status}`).toBe('201 SUBMITTED');
      const owners = ['user:do-a', 'user:do-b'].map((sub) => ({
        org: gw.orgs['nps-north-east'],
        roles: ['data-owner'],
        sub,
      }));
      const answers = await Promise.all(
        owners.map((o) =>
          gw.call('POST', `/exchange-requests/${r.body.id}/decision`, o, {
            decision: 'APPROVE',
            reason: `by ${o.sub}`,
          }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      // Each answer waited for its decision's entry: exactly one decision is in the log.
      const [{ n }] = await gw.sql<{ n: string }>(
        `SELECT count(*) AS n FROM access_log_entries WHERE action = 'exchange.decide' AND convert_from(entry, 'UTF8') LIKE '%' || $1 || '%'`,
        [r.body.id],
      );
      expect(Number(n)).toBe(1);
    }
  });
});
