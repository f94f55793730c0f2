import { assessmentBody, caseBody } from '../factories/case.factory.js';
import { TestGateway } from '../setup/test-app.js';
import type { AccessLogEntryInput } from '@modules/access-log/domain/access-log-entry.js';

/**
 * PUT /cases/{crn}: who may create a case. The NPS allocates (creates a case for itself or for an
 * active CRC of its region); a CRC pushes only the cases it manages; nobody can claim an unused
 * CRN and lock the real manager out, and a non-allocator's PUT tells it nothing about a CRN.
 */
describe('PUT /cases/{crn}: the allocating authority creates cases', () => {
  let gw: TestGateway;
  const sys = (id: string) => ({ org: gw.orgs[id], roles: ['system'], sub: `system:${id}-cms` });
  const rows = (crn: string) =>
    gw.sql<{ managing_org: string; tier: string }>(`SELECT managing_org, tier FROM cases WHERE crn = $1`, [crn]);

  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  it('an NPS system creates a case for itself, or allocates it to a CRC of its region, which then pushes it', async () => {
    expect((await gw.call('PUT', '/cases/X400001', sys('nps-north-east'), caseBody('nps-north-east'))).status).toBe(
      201,
    );
    const allocated = await gw.call('PUT', '/cases/X400002', sys('nps-north-east'), caseBody('crc-durham-tees-valley'));
    expect(allocated.status).toBe(201);
    expect(await rows('X400002')).toEqual([{ managing_org: 'crc-durham-tees-valley', tier: 'B2' }]);
    const [entry] = await gw.sql<{ e: AccessLogEntryInput }>(
      `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE idx = $1`,
      [allocated.body.accessLogIndex],
    );
    expect(entry.e).toMatchObject({
      action: 'case.create',
      actor: { org: 'nps-north-east' },
      ownerOrg: 'crc-durham-tees-valley',
      reasons: ['allocated to crc-durham-tees-valley'],
    });
    // The CRC now manages it: it pushes updates and assessments; the NPS no longer writes it.
    expect(
      (
        await gw.call(
          'PUT',
          '/cases/X400002',
          sys('crc-durham-tees-valley'),
          caseBody('crc-durham-tees-valley', { tier: 'C1' }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await gw.call('PUT', '/cases/X400002/assessments/A1', sys('crc-durham-tees-valley'), assessmentBody())).status,
    ).toBe(201);
    const again = await gw.call('PUT', '/cases/X400002', sys('nps-north-east'), caseBody('crc-durham-tees-valley'));
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/crn_already_allocated/);
    expect(again.text).not.toContain('crc-durham-tees-valley');
    expect(await rows('X400002')).toEqual([{ managing_org: 'crc-durham-tees-valley', tier: 'C1' }]);
  });

  it('a CRC cannot claim an unused CRN, and gets the same answer as for a case managed elsewhere, restricted or not', async () => {
    expect((await gw.call('PUT', '/cases/X400011', sys('nps-north-east'), caseBody('nps-north-east'))).status).toBe(
      201,
    );
    expect(
      (
        await gw.call(
          'PUT',
          '/cases/X400012',
          sys('nps-north-east'),
          caseBody('crc-durham-tees-valley', { restricted: true }),
        )
      ).status,
    ).toBe(201);
    const answers = [];
    for (const crn of ['X400011', 'X400012', 'X400099']) {
      const res = await gw.call('PUT', `/cases/${crn}`, sys('crc-northumbria'), caseBody('crc-northumbria'));
      answers.push({ status: res.status, type: res.body.type, detail: res.body.detail, errors: res.body.errors });
    }
    expect(answers[0].status).toBe(403);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await rows('X400099')).toHaveLength(0);
    expect(await rows('X400011')).toEqual([{ managing_org: 'nps-north-east', tier: 'B2' }]);
  });

  it('allocation goes only to the caller or an active CRC of its region; a change of manager is a transfer', async () => {
    for (const target of ['police-cleveland', 'crc-unknown', 'gateway']) {
      const res = await gw.call('PUT', '/cases/X400021', sys('nps-north-east'), caseBody(target));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('managingOrg');
    }
    expect(await rows('X400021')).toHaveLength(0);
    expect((await gw.call('PUT', '/cases/X400022', sys('nps-north-east'), caseBody('nps-north-east'))).status).toBe(
      201,
    );
    const moved = await gw.call('PUT', '/cases/X400022', sys('nps-north-east'), caseBody('crc-durham-tees-valley'));
    expect(moved.status).toBe(409);
    expect(moved.body.type).toMatch(/managing_org_change_needs_transfer/);
    expect(await rows('X400022')).toEqual([{ managing_org: 'nps-north-east', tier: 'B2' }]);
  });

  it('police systems and officers never push case records', async () => {
    expect((await gw.call('PUT', '/cases/X400031', sys('police-cleveland'), caseBody('police-cleveland'))).status).toBe(
      403,
    );
    expect(
      (
        await gw.call(
          'PUT',
          '/cases/X400031',
          { org: gw.orgs['nps-north-east'], roles: ['offender-manager'] },
          caseBody('nps-north-east'),
        )
      ).status,
    ).toBe(403);
    expect(await rows('X400031')).toHaveLength(0);
  });
});
