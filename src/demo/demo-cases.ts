import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@config/app.config.js';
import type { JsonLogger } from '@shared/observability/json-logger.js';
import { bulkInsertCases, generateCases, type SyntheticCase } from './synthetic/index.js';

/** The demo data set's seed; `npm run seed -- --seed 42` extends the same data set. */
export const DEMO_SEED = 42;

export interface DemoExample {
  crn: string;
  managingOrg: string;
  note: string;
}

/** Cases worth showing in the README, each the first of its kind in the demo data set. */
const KINDS: { key: string; note: string; test: (c: SyntheticCase) => boolean }[] = [
  {
    key: 'iomClevelandNps',
    note: "in police-cleveland's IOM cohort, managed by the NPS: an IOM officer of Cleveland gets the summary under the demo IOM agreement",
    test: (c) =>
      c.body.iom?.cohort === true &&
      c.body.iom.force === 'cleveland' &&
      c.body.managingOrg === 'nps-north-east' &&
      !c.body.restricted,
  },
  {
    key: 'iomClevelandCrc',
    note: "in police-cleveland's IOM cohort, managed by a CRC",
    test: (c) =>
      c.body.iom?.cohort === true &&
      c.body.iom.force === 'cleveland' &&
      c.body.managingOrg === 'crc-durham-tees-valley' &&
      !c.body.restricted,
  },
  {
    key: 'iomClevelandSensitive',
    note: "in police-cleveland's IOM cohort with health or victim details: withheld from the police unless an agreement names them",
    test: (c) =>
      c.body.iom?.cohort === true &&
      c.body.iom.force === 'cleveland' &&
      !c.body.restricted &&
      c.assessments.at(-1)!.body.sensitive !== undefined,
  },
  {
    key: 'iomDurham',
    note: "in police-durham's IOM cohort: police-cleveland gets 404",
    test: (c) => c.body.iom?.cohort === true && c.body.iom.force === 'durham' && !c.body.restricted,
  },
  {
    key: 'crcCase',
    note: 'managed by crc-durham-tees-valley, in no IOM cohort: the CRC sees it in full, the police do not see it',
    test: (c) => c.body.managingOrg === 'crc-durham-tees-valley' && c.body.iom === null && !c.body.restricted,
  },
  {
    key: 'npsHighRosh',
    note: 'managed by the NPS at HIGH or VERY_HIGH risk of serious harm',
    test: (c) =>
      c.body.managingOrg === 'nps-north-east' &&
      (c.body.rosh.overall === 'HIGH' || c.body.rosh.overall === 'VERY_HIGH') &&
      !c.body.restricted,
  },
  {
    key: 'mappa',
    note: 'MAPPA-managed (NPS)',
    test: (c) => c.body.mappa !== null && !c.body.restricted,
  },
  {
    key: 'restricted',
    note: 'restricted: visible to its managing organisation only; 404 to everyone else',
    test: (c) => c.body.restricted,
  },
];

export function pickExamples(cases: Iterable<SyntheticCase>): Record<string, DemoExample> {
  const found: Record<string, DemoExample> = {};
  for (const c of cases) {
    for (const k of KINDS) {
      if (!found[k.key] && k.test(c)) found[k.key] = { crn: c.crn, managingOrg: c.body.managingOrg, note: k.note };
    }
    if (Object.keys(found).length === KINDS.length) break;
  }
  return Object.fromEntries(KINDS.filter((k) => found[k.key]).map((k) => [k.key, found[k.key]]));
}

/**
 * DEMO=true: `config.demoCases` synthetic cases with assessments, loaded through the bulk path
 * (reference data, not access: nothing is written to the access log). Skipped when any case
 * exists, so a restart or a real deployment's data is never touched. Writes example CRNs to
 * DATA_DIR/demo-examples.json for the README.
 */
export async function seedDemoCases(app: INestApplication, config: AppConfig, logger: JsonLogger): Promise<void> {
  if (config.demoCases <= 0) return;
  const ds = app.get(DataSource);
  const [{ any }] = await ds.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM cases) AS any');
  if (any) {
    logger.log('demo cases: cases already exist; none added', 'Demo');
  } else {
    const r = await bulkInsertCases(ds, { seed: DEMO_SEED, count: config.demoCases });
    logger.log(
      `demo cases: ${r.inserted} synthetic cases with ${r.assessments} assessments in ${Math.round(r.ms)} ms (seed ${DEMO_SEED})`,
      'Demo',
    );
  }
  // Case attributes do not depend on the day they were generated, so regenerating finds the same CRNs.
  const examples = pickExamples(generateCases(config.demoCases, { seed: DEMO_SEED }));
  const file = path.join(config.dataDir, 'demo-examples.json');
  await writeFile(file, JSON.stringify({ seed: DEMO_SEED, cases: config.demoCases, examples }, null, 2) + '\n');
  logger.log(
    `demo example CRNs (also in ${file}): ${Object.entries(examples)
      .map(([k, v]) => `${k}=${v.crn}`)
      .join(', ')}`,
    'Demo',
  );
}
