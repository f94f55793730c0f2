import { activeAgreement, riskManagementTerms } from '../factories/agreement.factory.js';
import { assessmentBody, caseBody } from '../factories/case.factory.js';
import { TestGateway } from '../setup/test-app.js';

describe('POST /cases/{crn}/transfers, escalations and POST /policies/explain', () => {
  let gw: TestGateway;
  const sys = (id: string) => ({ org: gw.orgs[id], roles: ['system'], sub: `system:${id}-cms` });
  const om = (id: string) => ({
    org: gw.orgs[id],
    roles: ['offender-manager'],
    sub: `user:${id}-om`,
    reason: 'case review',
  });
  const read = (id: string, crn: string, purpose = 'RISK_MANAGEMENT') =>
    gw.call('GET', `/cases/${crn}/summary?purpose=${purpose}`, om(id));

  beforeAll(async () => {
    gw = await TestGateway.start();
    await activeAgreement(gw, riskManagementTerms());
    // The NPS allocates the case to the CRC, which then pushes its assessments.
    expect(
      (await gw.call('PUT', '/cases/X300001', sys('nps-north-east'), caseBody('crc-durham-tees-valley'))).status,
    ).toBe(201);
    expect(
      (await gw.call('PUT', '/cases/X300001/assessments/A1', sys('crc-durham-tees-valley'), assessmentBody())).status,
    ).toBe(201);
  });
  afterAll(() => gw.close());

  it('escalates a CRC case assessed at HIGH RoSH, shows it to the CRC and the NPS, and lets the NPS review it', async () => {
    expect((await read('nps-north-east', 'X300001')).status).toBe(404);
    const high = assessmentBody({
      rosh: { overall: 'HIGH', children: 'MEDIUM', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
      completedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const res = await gw.call('PUT', '/cases/X300001/assessments/A2', sys('crc-durham-tees-valley'), high);
    expect(res.status).toBe(201);
    expect(res.body.escalated).toBe(true);
    for (const org of ['crc-durham-tees-valley', 'nps-north-east']) {
      const list = await gw.call('GET', '/cases/escalations', om(org));
      expect(list.status).toBe(200);
      expect(list.body.map((e: { crn: string }) => e.crn)).toContain('X300001');
      // Each case named is logged, so the CRC's IG and the subject access report see to whom.
      const [named] = await gw.sql<{ e: Record<string, unknown> }>(
        `SELECT convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries
          WHERE action = 'escalation.list' AND crn = 'X300001' AND recipient_org = $1 ORDER BY idx DESC LIMIT 1`,
        [org],
      );
      expect(named?.e).toMatchObject({ decision: 'ALLOW', ownerOrg: 'crc-durham-tees-valley', actor: { org } });
    }
    // Another CRC does not see the first CRC's escalations.
    expect((await gw.call('GET', '/cases/escalations', om('crc-northumbria'))).body).toEqual([]);
    const nps = await read('nps-north-east', 'X300001');
    expect(nps.status).toBe(200);
    expect(nps.body.rosh.overall).toBe('HIGH');
    // Police are not part of the escalation.
    expect(
      (
        await gw.call('GET', '/cases/X300001/summary?purpose=RISK_MANAGEMENT', {
          org: gw.orgs['police-cleveland'],
          roles: ['iom-officer'],
          reason: 'x',
        })
      ).status,
    ).toBe(404);
  });

  it('moves access with the case on acceptance, and the old manager loses it', async () => {
    const bad = await gw.call('POST', '/cases/X300001/transfers', om('crc-durham-tees-valley'), {
      toOrg: 'police-cleveland',
      reason: 'wrong kind',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('toOrg');
    const notMine = await gw.call('POST', '/cases/X300001/transfers', om('crc-northumbria'), {
      toOrg: 'nps-north-east',
      reason: 'not mine',
    });
    expect(notMine.status).toBe(404);

    const t = await gw.call('POST', '/cases/X300001/transfers', om('crc-durham-tees-valley'), {
      toOrg: 'nps-north-east',
      reason: 'RoSH HIGH: NPS to manage',
    });
    expect(t.status).toBe(201);
    expect(t.body.status).toBe('PENDING');
    const again = await gw.call('POST', '/cases/X300001/transfers', om('crc-durham-tees-valley'), {
      toOrg: 'nps-north-east',
      reason: 'twice',
    });
    expect(again.status).toBe(409);

    // Only the receiving organisation accepts.
    expect((await gw.call('POST', `/cases/X300001/transfers/${t.body.id}/accept`, om('crc-northumbria'))).status).toBe(
      404,
    );
    const accepted = await gw.call('POST', `/cases/X300001/transfers/${t.body.id}/accept`, om('nps-north-east'));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'ACCEPTED', managingOrg: 'nps-north-east' });
    expect((await gw.call('POST', `/cases/X300001/transfers/${t.body.id}/accept`, om('nps-north-east'))).status).toBe(
      409,
    );

    // From now on: the NPS manages (full view, own record), the CRC is an outsider.
    const nps = await gw.call('GET', '/cases/X300001?purpose=RISK_MANAGEMENT', om('nps-north-east'));
    expect(nps.status).toBe(200);
    expect(nps.body.fieldsWithheld).toEqual([]);
    expect((await read('crc-durham-tees-valley', 'X300001')).status).toBe(404);
    // The CRC can no longer push data for the case either.
    expect(
      (await gw.call('PUT', '/cases/X300001/assessments/A3', sys('crc-durham-tees-valley'), assessmentBody())).status,
    ).toBe(404);
    expect((await gw.call('GET', '/cases/escalations', om('nps-north-east'))).body).toEqual([]);
    const entries = await gw.sql<{ action: string }>(
      `SELECT action FROM access_log_entries WHERE action LIKE 'case.transfer%' ORDER BY idx`,
    );
    expect(entries.map((e) => e.action)).toEqual(['case.transfer.request', 'case.transfer.accept']);
  });

  it('explains a decision field by field without releasing data, for IG and the operator only', async () => {
    const body = {
      principal: { org: 'crc-durham-tees-valley', roles: ['offender-manager'] },
      crn: 'X300001',
      purpose: 'RISK_MANAGEMENT',
    };
    const ig = await gw.call(
      'POST',
      '/policies/explain',
      { org: gw.orgs['gateway'], roles: ['ig-reviewer'], reason: 'SAR check' },
      body,
    );
    expect(ig.status).toBe(200);
    expect(ig.body.decision).toBe('DENY');
    expect(ig.body.outcome).toBe('not_found');
    expect(JSON.stringify(ig.body)).not.toMatch(/Testy|McTestface|curfew/);
    const npsView = await gw.call(
      'POST',
      '/policies/explain',
      { org: gw.orgs['gateway'], roles: ['gateway-admin'] },
      { ...body, principal: { org: 'nps-north-east', roles: ['offender-manager'] } },
    );
    expect(npsView.body.decision).toBe('ALLOW');
    expect(npsView.body.fields.find((f: { field: string }) => f.field === 'rosh')).toMatchObject({
      category: 'ROSH',
      allowed: true,
      reasons: expect.arrayContaining(['rule:own.full-record']),
    });
    expect((await gw.call('POST', '/policies/explain', om('nps-north-east'), body)).status).toBe(403);
    const invalid = await gw.call(
      'POST',
      '/policies/explain',
      { org: gw.orgs['gateway'], roles: ['ig-reviewer'] },
      { ...body, purpose: 'NOSY' },
    );
    expect(invalid.status).toBe(400);
  });
});
