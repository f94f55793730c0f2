import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { TestGateway } from '../setup/test-app.js';

/**
 * Many auto-approved requests at once against a small connection pool. The release once read
 * the agreement and the case on other pooled connections while the request's row lock held one:
 * with as many releases in flight as the pool had connections, each waited for a connection the
 * others held until the connect timeout, and the requests were left SUBMITTED (with 503s).
 */
describe('POST /exchange-requests, many auto-approvals at once', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start({ env: { DB_POOL_SIZE: '2' } });
    await aCase(gw, 'X100002', { iom: { cohort: true, force: 'cleveland' } });
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
});
