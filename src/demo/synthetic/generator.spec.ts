import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { CRN_PATTERN, ogrs3Band, RISK_LEVELS, TIERS } from '@modules/cases/domain/case.types.js';
import { RecordAssessmentDto } from '@modules/cases/commands/record-assessment/record-assessment.dto.js';
import { UpsertCaseDto } from '@modules/cases/commands/upsert-case/upsert-case.dto.js';
import { DEMO_ORGANISATIONS } from '../demo-organisations.js';
import { crnAt, generateCase, generateCases, startOfTodayUtc, type SyntheticCase } from './generator.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

function sample(n: number, seed = 42, now = NOW): SyntheticCase[] {
  return [...generateCases(n, { seed, now })];
}

const share = (cases: SyntheticCase[], test: (c: SyntheticCase) => boolean) => cases.filter(test).length / cases.length;
const rank = (l: string) => RISK_LEVELS.indexOf(l as (typeof RISK_LEVELS)[number]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${prefix}${e.property}: ${m}`),
    ...flatten(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

async function problems<T extends object>(dto: new () => T, body: unknown): Promise<string[]> {
  const instance = plainToInstance(dto, body);
  return flatten(await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
}

describe('synthetic case generator', () => {
  describe('determinism', () => {
    it('gives the same cases for the same seed and reference day', () => {
      expect(sample(200)).toEqual(sample(200));
    });

    it('gives different cases for another seed', () => {
      const a = sample(50, 1);
      const b = sample(50, 2);
      expect(a.map((c) => c.crn)).not.toEqual(b.map((c) => c.crn));
      expect(a.map((c) => c.body.person)).not.toEqual(b.map((c) => c.body.person));
    });

    it('makes case i independently of how many cases are asked for or where generation starts', () => {
      const all = sample(100);
      expect([...generateCases(10, { seed: 42, now: NOW, from: 90 })]).toEqual(all.slice(90));
      expect(generateCase(57, { seed: 42, now: NOW })).toEqual(all[57]);
    });
  });

  describe('CRNs', () => {
    it('are one capital letter and six digits, unique within a seed', () => {
      const crns = Array.from({ length: 50_000 }, (_, i) => crnAt(7, i));
      for (const crn of crns.slice(0, 2000)) expect(crn).toMatch(CRN_PATTERN);
      expect(crns.every((c) => CRN_PATTERN.test(c))).toBe(true);
      expect(new Set(crns).size).toBe(crns.length);
    });

    it('use most of the alphabet', () => {
      const letters = new Set(Array.from({ length: 5000 }, (_, i) => crnAt(42, i)[0]));
      expect(letters.size).toBeGreaterThan(20);
    });

    it('refuse an index outside the CRN space', () => {
      expect(() => crnAt(1, 26_000_000)).toThrow(RangeError);
      expect(() => crnAt(1, -1)).toThrow(RangeError);
    });
  });

  describe('distributions (5,000 cases)', () => {
    const cases = sample(5000);
    const kindOf = new Map(DEMO_ORGANISATIONS.map((o) => [o.id, o.kind]));
    const nps = (c: SyntheticCase) => kindOf.get(c.body.managingOrg) === 'NPS';

    it('spreads cases over the demo organisations: about 35 % NPS, the rest CRCs', () => {
      expect(share(cases, nps)).toBeGreaterThan(0.3);
      expect(share(cases, nps)).toBeLessThan(0.4);
      for (const id of ['nps-north-east', 'crc-durham-tees-valley', 'crc-northumbria']) {
        expect(share(cases, (c) => c.body.managingOrg === id)).toBeGreaterThan(0.25);
      }
      expect(
        cases.every((c) => kindOf.get(c.body.managingOrg) === 'NPS' || kindOf.get(c.body.managingOrg) === 'CRC'),
      ).toBe(true);
    });

    it('keeps RoSH consistent with the managing organisation: CRCs LOW or MEDIUM, every HIGH and VERY_HIGH with the NPS', () => {
      const crcLevels = new Set(cases.filter((c) => !nps(c)).map((c) => c.body.rosh.overall));
      expect([...crcLevels].sort()).toEqual(['LOW', 'MEDIUM']);
      const high = cases.filter((c) => rank(c.body.rosh.overall) >= 2);
      expect(high.length).toBeGreaterThan(500);
      expect(high.every(nps)).toBe(true);
      expect(share(cases.filter(nps), (c) => rank(c.body.rosh.overall) >= 1)).toBeGreaterThan(0.85);
    });

    it('makes the overall RoSH the highest of the four areas', () => {
      const wrong = cases.filter(
        ({
          body: {
            rosh: { overall, ...areas },
          },
        }) => Math.max(...Object.values(areas).map(rank)) !== rank(overall),
      );
      expect(wrong).toEqual([]);
    });

    it('uses every tier, with the high-harm letters only where the harm is', () => {
      expect(new Set(cases.map((c) => c.body.tier)).size).toBe(TIERS.length);
      expect(new Set(cases.filter((c) => c.body.rosh.overall === 'VERY_HIGH').map((c) => c.body.tier[0]))).toEqual(
        new Set(['A']),
      );
      expect(cases.filter((c) => c.body.tier[0] === 'A' && rank(c.body.rosh.overall) < 2)).toEqual([]);
      expect(cases.filter((c) => c.body.tier[0] === 'A').every(nps)).toBe(true);
    });

    it('puts about 5 % under MAPPA, all managed by the NPS', () => {
      const mappa = cases.filter((c) => c.body.mappa !== null);
      expect(mappa.length / cases.length).toBeGreaterThan(0.03);
      expect(mappa.length / cases.length).toBeLessThan(0.08);
      expect(mappa.every(nps)).toBe(true);
      for (const m of mappa) {
        expect([1, 2, 3]).toContain(m.body.mappa!.category);
        expect([1, 2, 3]).toContain(m.body.mappa!.level);
      }
    });

    it('puts about 20 % in an IOM cohort of one of the three demo forces (police-<force>)', () => {
      const cohort = cases.filter((c) => c.body.iom?.cohort);
      expect(cohort.length / cases.length).toBeGreaterThan(0.16);
      expect(cohort.length / cases.length).toBeLessThan(0.24);
      const policeIds = new Set(DEMO_ORGANISATIONS.filter((o) => o.kind === 'POLICE').map((o) => o.id));
      const forces = new Set(cohort.map((c) => c.body.iom!.force));
      expect([...forces].sort()).toEqual(['cleveland', 'durham', 'northumbria']);
      for (const f of forces) expect(policeIds.has(`police-${f}`)).toBe(true);
      // Each force's cohort draws on the NPS and on a CRC, so reads cross organisations.
      const cleveland = cohort.filter((c) => c.body.iom!.force === 'cleveland');
      expect(cleveland.some(nps)).toBe(true);
      expect(cleveland.some((c) => !nps(c))).toBe(true);
    });

    it('restricts about 2 % of cases', () => {
      expect(share(cases, (c) => c.body.restricted)).toBeGreaterThan(0.01);
      expect(share(cases, (c) => c.body.restricted)).toBeLessThan(0.035);
    });

    it('gives about 70 % a PNC ID, and everyone an age from 18 to 75', () => {
      expect(share(cases, (c) => c.body.person.pncId !== undefined)).toBeGreaterThan(0.65);
      expect(share(cases, (c) => c.body.person.pncId !== undefined)).toBeLessThan(0.75);
      const ages = cases.map((c) => (NOW.getTime() - Date.parse(c.body.person.dateOfBirth)) / YEAR);
      expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
      expect(Math.max(...ages)).toBeLessThanOrEqual(75);
      expect(mean(ages)).toBeLessThan(40); // a caseload skews young
    });

    it('gives every case one to three assessments in the past, oldest first, the latest matching the case', () => {
      const counts = new Set(cases.map((c) => c.assessments.length));
      expect([...counts].sort()).toEqual([1, 2, 3]);
      const wrong = cases.filter((c) => {
        const times = c.assessments.map((a) => Date.parse(a.body.completedAt));
        return (
          !times.every((t, i) => t < NOW.getTime() && (i === 0 || times[i - 1] < t)) ||
          JSON.stringify(c.assessments.at(-1)!.body.rosh) !== JSON.stringify(c.body.rosh) ||
          new Set(c.assessments.map((a) => a.assessmentId)).size !== c.assessments.length ||
          // An earlier assessment is never above today's level (a CRC case that high would be with the NPS).
          c.assessments.some((a) => rank(a.body.rosh.overall) > rank(c.body.rosh.overall))
        );
      });
      expect(wrong).toEqual([]);
    });

    it('correlates the predictors with the tier: OGRS3 with its digit, OVP with its letter, RSR with harm', () => {
      const latest = cases.map((c) => ({
        tier: c.body.tier,
        rosh: c.body.rosh.overall,
        s: c.assessments.at(-1)!.body.scores,
      }));
      const byDigit = [0, 1, 2, 3].map((d) =>
        mean(latest.filter((x) => x.tier[1] === String(d)).map((x) => x.s.ogrs3TwoYear)),
      );
      expect(byDigit).toEqual([...byDigit].sort((a, b) => a - b));
      const bands = (d: string) =>
        new Set(latest.filter((x) => x.tier[1] === d).map((x) => ogrs3Band(x.s.ogrs3TwoYear)));
      expect([...bands('3')].sort()).toEqual(['HIGH', 'VERY_HIGH']);
      expect([...bands('0')]).toEqual(['LOW']);
      expect(latest.filter((x) => x.s.ogp > x.s.ogrs3TwoYear)).toEqual([]);
      const ovp = ['A', 'B', 'C', 'D'].map((l) => mean(latest.filter((x) => x.tier[0] === l).map((x) => x.s.ovp)));
      expect(ovp).toEqual([...ovp].sort((a, b) => b - a));
      const rsr = RISK_LEVELS.map((l) => mean(latest.filter((x) => x.rosh === l).map((x) => x.s.rsr)));
      expect(rsr).toEqual([...rsr].sort((a, b) => a - b));
    });

    it('fills needs, links and plans, and sensitive details for some', () => {
      const assessments = cases.flatMap((c) => c.assessments.map((a) => a.body));
      const needs = assessments.flatMap((a) => Object.values(a.needs));
      expect(new Set(needs.map((n) => n.severity)).size).toBe(3);
      expect(needs.some((n) => n.linkedToHarm)).toBe(true);
      expect(needs.every((n) => n.severity !== 'NONE' || (!n.linkedToHarm && !n.linkedToReoffending))).toBe(true);
      expect(
        assessments.every((a) => a.riskManagementPlan.summary.length > 20 && a.riskManagementPlan.actions.length >= 1),
      ).toBe(true);
      const health = share(cases, (c) => c.assessments.some((a) => a.body.sensitive?.health));
      const victims = share(cases, (c) => c.assessments.some((a) => a.body.sensitive?.victims));
      expect(health).toBeGreaterThan(0.15);
      expect(health).toBeLessThan(0.35);
      expect(victims).toBeGreaterThan(0.05);
      expect(victims).toBeLessThan(0.35);
    });
  });

  describe('API payloads', () => {
    // The DTOs refuse dates in the future, so generate against the real clock here.
    const cases = [...generateCases(1000, { seed: 9, now: startOfTodayUtc() })];

    it('pass the UpsertCaseDto validation (no unknown fields)', async () => {
      const failures: string[] = [];
      for (const c of cases) for (const p of await problems(UpsertCaseDto, c.body)) failures.push(`${c.crn}: ${p}`);
      expect(failures).toEqual([]);
    });

    it('pass the RecordAssessmentDto validation (no unknown fields)', async () => {
      const failures: string[] = [];
      for (const c of cases) {
        for (const a of c.assessments) {
          if (!/^[A-Za-z0-9._-]{1,64}$/.test(a.assessmentId))
            failures.push(`${c.crn}/${a.assessmentId}: bad assessment id`);
          for (const p of await problems(RecordAssessmentDto, a.body))
            failures.push(`${c.crn}/${a.assessmentId}: ${p}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('would be refused if they were wrong (the check is real)', async () => {
      const c = cases[0];
      expect(await problems(UpsertCaseDto, { ...c.body, tier: 'E9', extra: 1 })).toEqual(
        expect.arrayContaining([expect.stringContaining('tier'), expect.stringContaining('extra')]),
      );
      const a = c.assessments[0].body;
      expect(await problems(RecordAssessmentDto, { ...a, scores: { ...a.scores, rsr: 101 } })).toEqual([
        expect.stringContaining('scores.rsr'),
      ]);
    });
  });
});
