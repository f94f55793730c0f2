import pg from 'pg';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import { eventually } from '../setup/polling.js';
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

  it("lets a data owner's decision made while an automatic release is under way stand: the release is never stored or served", async () => {
    // The automatic release stores its bundle by a write that checks the request is still
    // SUBMITTED, with no transaction held across its log entry and signature. Holding the log
    // head's row lock stops the release between the request's insert and that write, while the
    // data owner refuses the stored request.
    const police = gw.orgs['police-cleveland'];
    const agreement = await activeAgreement(gw, agreementTerms({ dataCategories: ['ROSH'], retentionDays: 730 }));
    const claims = requestClaims(agreement, { crn: 'X100002', dataCategories: ['ROSH'] });
    const jws = await requestJws(police, claims);
    const head = new pg.Client({ connectionString: gw.db.ownerUrl });
    await head.connect();
    let submitted: ReturnType<typeof submit> | undefined;
    let refused: ReturnType<TestGateway['call']> | undefined;
    try {
      await head.query('BEGIN');
      await head.query('SELECT size FROM access_log_head WHERE id = 1 FOR UPDATE');
      submitted = submit(gw, jws, { org: police, roles: ['iom-officer'], sub: 'user:pc-500' });
      submitted.then(
        () => undefined,
        () => undefined,
      );
      // Polled often and briefly: the release waits on the held lock for at most the log's lock timeout (2 s).
      let id: string | undefined;
      await eventually(
        'the request is stored SUBMITTED',
        async () =>
          !!(id = (
            await gw.sql<{ id: string }>(
              `SELECT id::text FROM exchange_requests WHERE request_jti = $1 AND status = 'SUBMITTED'`,
              [claims.jti],
            )
          )[0]?.id),
        1500,
        10,
      );
      refused = gw.call(
        'POST',
        `/exchange-requests/${id}/decision`,
        { org: gw.orgs['nps-north-east'], roles: ['data-owner'] },
        {
          decision: 'REFUSE',
          reason: 'Not proportionate now',
        },
      );
      refused.then(
        () => undefined,
        () => undefined,
      );
      await eventually(
        'the data owner has refused it',
        async () =>
          (await gw.sql(`SELECT 1 FROM exchange_requests WHERE id = $1 AND status = 'REFUSED'`, [id])).length > 0,
        1500,
        10,
      );
    } finally {
      await head.query('COMMIT');
      await head.end();
    }
    const [answer, decision] = await Promise.all([submitted, refused]);
    expect(`${decision.status} ${decision.body.status}`).toBe('200 REFUSED');
    expect(`${answer.status} ${answer.body.status}`).toBe('201 REFUSED');
    const [row] = await gw.sql<{ status: string; response_jws: string | null }>(
      `SELECT status, response_jws FROM exchange_requests WHERE id = $1`,
      [answer.body.id],
    );
    expect(row).toEqual({ status: 'REFUSED', response_jws: null });
    const events = await gw.sql<{ type: string }>(`SELECT type FROM event_outbox WHERE subject = $1 ORDER BY seq`, [
      answer.body.id,
    ]);
    expect(events.map((e) => e.type)).toEqual(['exchange-request.received', 'exchange-request.decided']);
    const fetched = await gw.call('GET', `/exchange-requests/${answer.body.id}/response`, {
      org: police,
      roles: ['iom-officer'],
      reason: 'IOM panel',
    });
    expect(fetched.status).toBe(409);
  });
});

describe('a released exchange request in storage', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await TestGateway.start();
    await aCase(gw, 'X100004', { iom: { cohort: true, force: 'cleveland' } });
  });
  afterAll(() => gw.close());

  it('keeps its row in one piece: the signed request and response are not moved into TOAST storage', async () => {
    // About 3 KB with its response: past PostgreSQL's default threshold (about 2 KB), which made
    // every release write the response to the TOAST table and every fetch read it back there.
    const police = gw.orgs['police-cleveland'];
    const agreement = await activeAgreement(gw, agreementTerms({ dataCategories: ['ROSH'], retentionDays: 730 }));
    const r = await submit(
      gw,
      await requestJws(police, requestClaims(agreement, { crn: 'X100004', dataCategories: ['ROSH'] })),
      {
        org: police,
      },
    );
    expect(`${r.status} ${r.body.status}`).toBe('201 FULFILLED');
    const [row] = await gw.sql<{ size: number; external: boolean }>(
      `SELECT pg_column_size(e.*) AS size,
              pg_column_toast_chunk_id(response_jws) IS NOT NULL OR pg_column_toast_chunk_id(request_jws) IS NOT NULL AS external
         FROM exchange_requests e WHERE id = $1`,
      [r.body.id],
    );
    expect(row.size).toBeGreaterThan(2100);
    expect(row.external).toBe(false);
  });
});
