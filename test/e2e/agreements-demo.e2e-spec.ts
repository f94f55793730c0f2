import { compactVerify, importJWK } from 'jose';
import { DEMO_AGREEMENT_IDS, seedDemoAgreements } from '../../src/demo/demo-agreements.js';
import { ensureDemoKey } from '../../src/demo/demo-keys.js';
import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { OrganisationBootstrap } from '../../src/modules/organisations/index.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { AgreementCoverage } from '../../src/modules/agreements/index.js';
import { agreementLogEntries } from '../factories/agreement.factory.js';
import { TestGateway } from '../setup/test-app.js';

describe('demo agreements (DEMO=true seed)', () => {
  let gw: TestGateway;
  const logger = new JsonLogger('error', () => undefined);
  // The organisation half of the demo seed (seed-demo.ts), then the agreements half under test.
  const seed = async () => {
    const orgs = gw.app.get(OrganisationBootstrap);
    for (const o of DEMO_ORGANISATIONS) {
      const key = await ensureDemoKey(gw.config.dataDir, o.id);
      await orgs.ensureOrganisation({ id: o.id, kind: o.kind, name: o.name, region: o.region, keys: [key.publicJwk] });
    }
    await seedDemoAgreements(gw.app, gw.config, logger);
  };
  beforeAll(async () => {
    gw = await TestGateway.start();
    await seed();
  });
  afterAll(() => gw.close());

  const operator = () => ({ org: gw.orgs.gateway, roles: ['ig-reviewer'] });

  it('creates the IOM, MAPPA and risk-management agreements, signed by every party with its demo key', async () => {
    const res = await gw.call('GET', '/agreements', operator());
    const demo = res.body.filter((a: { id: string }) => Object.values(DEMO_AGREEMENT_IDS).includes(a.id as never));
    expect(demo).toHaveLength(3);
    for (const a of demo) {
      expect(a).toMatchObject({ status: 'ACTIVE', version: 1, activeVersion: 1, awaitingSignatures: [] });
      expect(a.signatures.map((s: { org: string }) => s.org).sort()).toEqual(
        a.parties.map((p: { org: string }) => p.org).sort(),
      );
      const doc = await gw.call('GET', `/agreements/${a.id}/document`, operator());
      for (const s of a.signatures) {
        const keys = await gw.call(
          'GET',
          `/organisations/${s.org}/keys?at=${encodeURIComponent(s.signedAt)}`,
          operator(),
        );
        const jwk = keys.body.keys.find((k: { kid: string }) => k.kid === s.kid).jwk;
        const { payload } = await compactVerify(s.jws, await importJWK(jwk, s.alg));
        expect(new TextDecoder().decode(payload)).toBe(doc.text);
      }
    }
  });

  it('is idempotent across restarts', async () => {
    const before = (await agreementLogEntries(gw)).length;
    await seed();
    expect((await agreementLogEntries(gw)).length).toBe(before);
  });

  it('covers what each agreement says, and special categories only where named with a condition', async () => {
    const coverage = gw.app.get(AgreementCoverage);
    const iom = await coverage.coverFor({
      provider: 'nps-north-east',
      recipient: 'police-cleveland',
      purpose: 'IOM',
      categories: ['IDENTITY', 'ROSH', 'LICENCE_CONDITIONS', 'HEALTH', 'VICTIMS'],
    });
    expect(iom.byCategory.ROSH?.id).toBe(DEMO_AGREEMENT_IDS.iom);
    expect(iom.uncovered).toEqual(['HEALTH', 'VICTIMS']);
    const mappa = await coverage.coverFor({
      provider: 'police-durham',
      recipient: 'nps-north-east',
      purpose: 'MAPPA',
      categories: ['VICTIMS'],
    });
    expect(mappa.agreement).toMatchObject({
      id: DEMO_AGREEMENT_IDS.mappa,
      specialCategoryConditions: { VICTIMS: expect.stringContaining('s.325') },
    });
    const recall = await coverage.coverFor({
      provider: 'crc-durham-tees-valley',
      recipient: 'nps-north-east',
      purpose: 'RECALL',
      categories: ['RISK_MANAGEMENT_PLAN', 'HEALTH'],
    });
    expect(recall.agreement?.id).toBe(DEMO_AGREEMENT_IDS.riskManagement);
    expect(recall.agreement?.lawfulBasis[0]).toMatch(/s\.254/);
    expect(
      await coverage.findCovering({
        provider: 'police-cleveland',
        recipient: 'crc-durham-tees-valley',
        purpose: 'IOM',
      }),
    ).toEqual([]);
  });
});
