import { EventBus } from '@nestjs/cqrs';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AgreementCoverage, AgreementExpiryWatcher, type CoverageQuery } from '../../src/modules/agreements/index.js';
import {
  activeAgreement,
  agreementLogEntries,
  agreementTerms,
  signAs,
  signatory,
} from '../factories/agreement.factory.js';
import { StateCounters } from '../../src/shared/database/state-counters.js';
import { requestContext } from '../../src/shared/observability/request-context.js';
import { eventually } from '../setup/polling.js';
import { TestGateway } from '../setup/test-app.js';

const SECOND = 1000;
const DAY = 86_400_000;

describe('AgreementCoverage (the coverage question other modules ask)', () => {
  let gw: TestGateway;
  let coverage: AgreementCoverage;
  /** Another gateway instance's coverage: same database, its own in-memory index, never told about changes. */
  let otherInstance: AgreementCoverage;
  beforeAll(async () => {
    gw = await TestGateway.start();
    coverage = gw.app.get(AgreementCoverage);
    otherInstance = new AgreementCoverage(gw.app.get(DataSource), undefined as never, new StateCounters());
  });
  afterAll(() => gw.close());

  const nps = () => gw.orgs['nps-north-east'];
  const police = () => gw.orgs['police-cleveland'];
  const ids = async (c: AgreementCoverage, q: CoverageQuery) =>
    (await c.findCovering(q)).map((a) => `${a.id}@v${a.version}`);

  describe('validity', () => {
    // Whole seconds, so the edges are exact in the document too.
    const validFrom = new Date(Math.ceil((Date.now() + 10 * DAY) / SECOND) * SECOND);
    const validTo = new Date(validFrom.getTime() + 30 * DAY);
    let id: string;
    const q = (at: Date): CoverageQuery => ({
      provider: 'nps-north-east',
      recipient: 'police-cleveland',
      purpose: 'IOM',
      at,
      agreementId: id,
    });
    beforeAll(async () => {
      id = await activeAgreement(
        gw,
        agreementTerms({
          title: 'Future IOM agreement',
          validFrom: validFrom.toISOString(),
          validTo: validTo.toISOString(),
          reviewBy: validFrom.toISOString(),
        }),
      );
    });

    it('does not cover one second before validFrom', async () => {
      expect(await ids(coverage, q(new Date(validFrom.getTime() - SECOND)))).toEqual([]);
    });
    it('covers from validFrom exactly', async () => {
      expect(await ids(coverage, q(validFrom))).toEqual([`${id}@v1`]);
    });
    it('covers up to the last millisecond before validTo', async () => {
      expect(await ids(coverage, q(new Date(validTo.getTime() - 1)))).toEqual([`${id}@v1`]);
    });
    it('does not cover at validTo', async () => {
      expect(await ids(coverage, q(validTo))).toEqual([]);
    });
    it('is ACTIVE now even though it does not cover yet', async () => {
      expect((await gw.call('GET', `/agreements/${id}`, signatory(nps()))).body.status).toBe('ACTIVE');
      expect(
        await ids(coverage, {
          provider: 'nps-north-east',
          recipient: 'police-cleveland',
          purpose: 'IOM',
          agreementId: id,
        }),
      ).toEqual([]);
    });
  });

  describe('parties, purposes and categories', () => {
    let id: string;
    beforeAll(async () => {
      id = await activeAgreement(
        gw,
        agreementTerms({
          title: 'CRC and NPS risk management',
          parties: [
            { org: 'nps-north-east', role: 'BOTH' },
            { org: 'crc-northumbria', role: 'BOTH' },
            { org: 'police-durham', role: 'RECIPIENT' },
          ],
          purposes: ['RISK_MANAGEMENT', 'RECALL'],
          dataCategories: ['IDENTITY', 'ROSH', 'HEALTH'],
          specialCategoryConditions: { HEALTH: 'DPA 2018 Sch.8 para 1: risk-relevant health information only' },
          lawfulBasisByPurpose: { RECALL: ['Criminal Justice Act 2003 s.254'] },
        }),
      );
    });

    it('covers both directions between BOTH parties, and a RECIPIENT only as recipient', async () => {
      const q = (provider: string, recipient: string): CoverageQuery => ({
        provider,
        recipient,
        purpose: 'RECALL',
        agreementId: id,
      });
      expect(await ids(coverage, q('nps-north-east', 'crc-northumbria'))).toEqual([`${id}@v1`]);
      expect(await ids(coverage, q('crc-northumbria', 'nps-north-east'))).toEqual([`${id}@v1`]);
      expect(await ids(coverage, q('nps-north-east', 'police-durham'))).toEqual([`${id}@v1`]);
      expect(await ids(coverage, q('police-durham', 'nps-north-east'))).toEqual([]);
      expect(await ids(coverage, q('nps-north-east', 'police-cleveland'))).toEqual([]);
    });

    it('covers only its purposes, and gives the lawful basis of the purpose asked about', async () => {
      expect(
        await ids(coverage, {
          provider: 'nps-north-east',
          recipient: 'crc-northumbria',
          purpose: 'IOM',
          agreementId: id,
        }),
      ).toEqual([]);
      const [recall] = await coverage.findCovering({
        provider: 'nps-north-east',
        recipient: 'crc-northumbria',
        purpose: 'RECALL',
        agreementId: id,
      });
      expect(recall).toMatchObject({
        lawfulBasis: ['Criminal Justice Act 2003 s.254'],
        specialCategoryConditions: { HEALTH: expect.any(String) },
        status: 'ACTIVE',
      });
      const [risk] = await coverage.findCovering({
        provider: 'nps-north-east',
        recipient: 'crc-northumbria',
        purpose: 'RISK_MANAGEMENT',
        agreementId: id,
      });
      expect(risk.lawfulBasis).toEqual(['Data Protection Act 2018 Part 3', 'Crime and Disorder Act 1998 s.115']);
    });

    it('picks the agreement covering every category, or reports per category what is not covered', async () => {
      const base = { provider: 'nps-north-east', recipient: 'crc-northumbria', purpose: 'RISK_MANAGEMENT' as const };
      const all = await coverage.coverFor({ ...base, categories: ['IDENTITY', 'HEALTH'] });
      expect(all.agreement?.id).toBe(id);
      expect(all.uncovered).toEqual([]);
      const some = await coverage.coverFor({ ...base, categories: ['IDENTITY', 'VICTIMS'] });
      expect(some.agreement).toBeNull();
      expect(some.byCategory.IDENTITY?.id).toBe(id);
      expect(some.uncovered).toEqual(['VICTIMS']);
    });

    it('answers getAgreement for the exchange module, and null for an unknown or malformed id', async () => {
      expect(await coverage.getAgreement(id)).toMatchObject({
        id,
        status: 'ACTIVE',
        version: 1,
        activeVersion: 1,
        purposes: ['RISK_MANAGEMENT', 'RECALL'],
      });
      expect(await coverage.getAgreement('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await coverage.getAgreement('nope')).toBeNull();
    });
  });

  describe('state changes', () => {
    const q = (id: string): CoverageQuery => ({
      provider: 'nps-north-east',
      recipient: 'police-cleveland',
      purpose: 'IOM',
      agreementId: id,
    });

    it('stops covering on the next request after a suspension, on this instance and on another one', async () => {
      const id = await activeAgreement(gw, agreementTerms({ title: 'Suspension test' }));
      expect(await ids(coverage, q(id))).toEqual([`${id}@v1`]);
      expect(await ids(otherInstance, q(id))).toEqual([`${id}@v1`]);
      expect(
        (await gw.call('POST', `/agreements/${id}/suspend`, signatory(police()), { reason: 'Data breach reported' }))
          .status,
      ).toBe(200);
      expect(await ids(coverage, q(id))).toEqual([]);
      expect(await ids(otherInstance, q(id))).toEqual([]);
      await gw.call('POST', `/agreements/${id}/resume`, signatory(police()), { reason: 'Breach contained' });
      expect(await ids(otherInstance, q(id))).toEqual([`${id}@v1`]);
    });

    it('answers no question asked after a change through this instance from a load begun before it', async () => {
      const id = await activeAgreement(gw, agreementTerms({ title: 'Reload race test' }));
      const [{ version: before }] = await gw.sql<{ version: string }>(
        'SELECT version::text AS version FROM agreements_state WHERE id = 1',
      );
      // Questions of a signed request that arrived before the change: its claim read `before`.
      const ask = () =>
        requestContext.run({ requestId: 'race', counters: { agreements: before } }, () => ids(coverage, q(id)));
      const owner = new pg.Client({ connectionString: gw.db.ownerUrl });
      await owner.connect();
      try {
        await owner.query('BEGIN');
        // A load reads the counter (taking its snapshot), then waits here for the versions.
        await owner.query('LOCK TABLE agreement_versions IN ACCESS EXCLUSIVE MODE');
        coverage.invalidate();
        const early = ask();
        await eventually(
          'the load waits for the versions',
          async () =>
            (
              await gw.sql<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'agreement_versions'::regclass AND NOT granted`,
              )
            )[0].n > 0,
          10_000,
          10,
        );
        // The change, committed as another instance would, then announced here as this instance's own.
        await owner.query(`UPDATE agreements SET status = 'SUSPENDED' WHERE id = $1`, [id]);
        await owner.query('UPDATE agreements_state SET version = version + 1 WHERE id = 1');
        await owner.query('COMMIT');
        coverage.invalidate();
        // The question asked before the change may answer from before it; its load, finished
        // now, is not the index.
        expect(await early).toEqual([`${id}@v1`]);
        expect(await ask()).toEqual([]);
      } finally {
        await owner.end();
      }
    });

    it('stops covering after termination', async () => {
      const id = await activeAgreement(gw, agreementTerms({ title: 'Termination test' }));
      expect(await ids(otherInstance, q(id))).toEqual([`${id}@v1`]);
      await gw.call('POST', `/agreements/${id}/terminate`, signatory(nps()), { reason: 'Superseded' });
      expect(await ids(coverage, q(id))).toEqual([]);
      expect(await ids(otherInstance, q(id))).toEqual([]);
    });

    it('keeps the signed version covering while an amendment awaits signatures, then switches to the new version', async () => {
      const id = await activeAgreement(gw, agreementTerms({ title: 'Amendment test' }));
      await gw.call(
        'PUT',
        `/agreements/${id}`,
        signatory(nps()),
        agreementTerms({ title: 'Amendment test', dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS'] }),
      );
      const during = await coverage.coverFor({ ...q(id), categories: ['IDENTITY', 'NEEDS'] });
      expect(during.byCategory.IDENTITY).toMatchObject({ id, version: 1, status: 'PENDING_SIGNATURES' });
      expect(during.uncovered).toEqual(['NEEDS']);
      await signAs(gw, id, nps());
      expect(await ids(otherInstance, q(id))).toEqual([`${id}@v1`]);
      await signAs(gw, id, police());
      const after = await otherInstance.coverFor({ ...q(id), categories: ['IDENTITY', 'NEEDS'] });
      expect(after.agreement).toMatchObject({ id, version: 2, status: 'ACTIVE' });
    });

    it('covers nothing after a suspended agreement is amended, until every party signs the new version', async () => {
      const id = await activeAgreement(gw, agreementTerms({ title: 'Suspended amendment test' }));
      await gw.call('POST', `/agreements/${id}/suspend`, signatory(nps()), { reason: 'Terms need fixing' });
      const amended = await gw.call(
        'PUT',
        `/agreements/${id}`,
        signatory(nps()),
        agreementTerms({ title: 'Suspended amendment test', retentionDays: 90 }),
      );
      expect(amended.body).toMatchObject({ status: 'PENDING_SIGNATURES', version: 2, activeVersion: null });
      expect(await ids(coverage, q(id))).toEqual([]);
      await signAs(gw, id, nps());
      await signAs(gw, id, police());
      expect(await ids(otherInstance, q(id))).toEqual([`${id}@v2`]);
    });

    it('records expiry once validTo has passed, with an event and a log entry, and covers nothing after', async () => {
      const id = await activeAgreement(
        gw,
        agreementTerms({
          title: 'Expiry test',
          validTo: new Date(Date.now() + 2 * DAY).toISOString(),
          reviewBy: new Date(Date.now() + DAY).toISOString(),
        }),
      );
      const expiredEvents: string[] = [];
      gw.app
        .get(EventBus)
        .subscribe(
          (e) =>
            e.constructor.name === 'AgreementExpiredEvent' &&
            expiredEvents.push((e as unknown as { agreementId: string }).agreementId),
        );
      const watcher = gw.app.get(AgreementExpiryWatcher);
      const marked = await watcher.sweep(new Date(Date.now() + 3 * DAY));
      expect(marked.map((m) => m.id)).toContain(id);
      expect(await watcher.sweep(new Date(Date.now() + 3 * DAY))).toEqual([]);
      expect(expiredEvents).toContain(id);
      expect((await agreementLogEntries(gw, id)).at(-1)).toMatchObject({
        action: 'agreement.expire',
        actor: { org: 'gateway' },
        agreement: { id, version: 1 },
      });
      expect((await gw.call('GET', `/agreements/${id}`, signatory(nps()))).body.status).toBe('EXPIRED');
      expect(await ids(otherInstance, q(id))).toEqual([]);
      const suspend = await gw.call('POST', `/agreements/${id}/suspend`, signatory(nps()), { reason: 'Too late' });
      expect(suspend.status).toBe(409);
      expect(suspend.body.detail).toMatch(/it is EXPIRED/);
    });
  });
});
