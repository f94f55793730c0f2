import type { INestApplication } from '@nestjs/common';
import { CompactSign } from 'jose';
import type { AppConfig } from '@config/app.config.js';
import type { OrgKind } from '@shared/auth/roles.js';
import type { JsonLogger } from '@shared/observability/json-logger.js';
import { AgreementBootstrap, type AgreementTermsInput } from '@modules/agreements/index.js';
import { ensureDemoKey, importPrivate } from './demo-keys.js';
import { DEMO_ORGANISATIONS } from './demo-organisations.js';

/** Fixed ids, so a restart finds what the first start made. */
export const DEMO_AGREEMENT_IDS = {
  iom: '5d5a0001-0000-4000-8000-000000000001',
  mappa: '5d5a0001-0000-4000-8000-000000000002',
  riskManagement: '5d5a0001-0000-4000-8000-000000000003',
} as const;

const SECURITY = [
  'Data leaves the provider only through the gateway, over TLS 1.2 or later, on a signed request',
  'Access limited to vetted staff with a business need; role-based access enforced by the gateway policies',
  'Every access recorded in the gateway access log with purpose and reason; monthly IG review of the log',
  'Shared data held only on accredited (OFFICIAL-SENSITIVE) systems; no onward disclosure without the provider’s consent',
];

function validity(now: Date): { validFrom: string; validTo: string; reviewBy: string } {
  const y = now.getUTCFullYear();
  return {
    validFrom: `${y - 1}-01-01T00:00:00Z`,
    validTo: `${y + 3}-01-01T00:00:00Z`,
    reviewBy: `${y + 1}-01-01T00:00:00Z`,
  };
}

function contact(org: string, name: string): { org: string; name: string; email: string; role: string } {
  return {
    org,
    name,
    email: `information.governance@${org}.example`,
    role: 'Single point of contact for this agreement',
  };
}

/** The demo agreements: realistic terms between the demo partners. Nothing here is a real agreement. */
export function demoAgreements(now = new Date()): { id: string; terms: AgreementTermsInput }[] {
  const dates = validity(now);
  return [
    {
      id: DEMO_AGREEMENT_IDS.iom,
      terms: {
        title: 'Integrated Offender Management: Cleveland and Durham information sharing agreement',
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER', controller: true },
          { org: 'crc-durham-tees-valley', role: 'PROVIDER', controller: true },
          { org: 'police-cleveland', role: 'RECIPIENT', controller: true },
          { org: 'police-durham', role: 'RECIPIENT', controller: true },
        ],
        purposes: ['IOM'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
        ],
        lawfulBasis: [
          'Data Protection Act 2018 Part 3 (law enforcement processing)',
          'Crime and Disorder Act 1998 s.115',
          'Offender Management Act 2007 s.14',
        ],
        retentionDays: 730,
        securityMeasures: SECURITY,
        ...dates,
        dpiaReference: 'DPIA-DEMO-IOM-01',
        contacts: [
          contact('nps-north-east', 'NPS North East IG lead'),
          contact('crc-durham-tees-valley', 'DTV CRC data protection officer'),
          contact('police-cleveland', 'Cleveland IOM inspector'),
          contact('police-durham', 'Durham IOM inspector'),
        ],
        termination: {
          noticeDays: 30,
          dataOnTermination:
            'Police recipients delete OASys-derived data not linked to an open IOM case within 30 days and confirm in writing',
        },
      },
    },
    {
      id: DEMO_AGREEMENT_IDS.mappa,
      terms: {
        title: 'MAPPA North East: Responsible Authority and duty-to-co-operate information sharing',
        parties: [
          { org: 'nps-north-east', role: 'BOTH', controller: true },
          { org: 'police-cleveland', role: 'BOTH', controller: true },
          { org: 'police-durham', role: 'BOTH', controller: true },
          { org: 'police-northumbria', role: 'BOTH', controller: true },
          { org: 'crc-durham-tees-valley', role: 'RECIPIENT', controller: true },
          { org: 'crc-northumbria', role: 'RECIPIENT', controller: true },
        ],
        purposes: ['MAPPA'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'MAPPA',
          'VICTIMS',
        ],
        lawfulBasis: [
          'Criminal Justice Act 2003 s.325',
          'Data Protection Act 2018 Part 3 (law enforcement processing)',
        ],
        specialCategoryConditions: {
          VICTIMS: 'Criminal Justice Act 2003 s.325; victim safety planning by the MAPPA meeting only',
        },
        retentionDays: 2555,
        securityMeasures: SECURITY,
        ...dates,
        dpiaReference: 'DPIA-DEMO-MAPPA-01',
        contacts: [
          contact('nps-north-east', 'MAPPA coordinator, North East'),
          contact('police-cleveland', 'Cleveland MAPPA lead'),
          contact('police-durham', 'Durham MAPPA lead'),
          contact('police-northumbria', 'Northumbria MAPPA lead'),
        ],
        termination: {
          noticeDays: 90,
          dataOnTermination:
            'MAPPA minutes and shared records stay with the Responsible Authority; other recipients destroy copies within 30 days',
        },
      },
    },
    {
      id: DEMO_AGREEMENT_IDS.riskManagement,
      terms: {
        title: 'NPS and CRC risk management, recall and court report information sharing (North East)',
        parties: [
          { org: 'nps-north-east', role: 'BOTH', controller: true },
          { org: 'crc-durham-tees-valley', role: 'BOTH', controller: true },
          { org: 'crc-northumbria', role: 'BOTH', controller: true },
        ],
        purposes: ['RISK_MANAGEMENT', 'RECALL', 'COURT_REPORT'],
        dataCategories: [
          'IDENTITY',
          'RISK_SUMMARY',
          'ROSH',
          'NEEDS',
          'RISK_MANAGEMENT_PLAN',
          'LICENCE_CONDITIONS',
          'HEALTH',
        ],
        lawfulBasis: [
          'Offender Management Act 2007 s.14',
          'Data Protection Act 2018 Part 3 (law enforcement processing)',
        ],
        lawfulBasisByPurpose: {
          RECALL: [
            'Criminal Justice Act 2003 s.254 (recall of prisoners released on licence)',
            'Offender Management Act 2007 s.14',
          ],
          COURT_REPORT: ['Criminal Justice Act 2003 s.158 (pre-sentence reports)', 'Offender Management Act 2007 s.14'],
        },
        specialCategoryConditions: {
          HEALTH:
            'DPA 2018 s.35(5) and Schedule 8 para 1 (statutory purposes): health information relevant to risk of harm only',
        },
        retentionDays: 2190,
        securityMeasures: SECURITY,
        ...dates,
        dpiaReference: 'DPIA-DEMO-RM-01',
        contacts: [
          contact('nps-north-east', 'NPS North East IG lead'),
          contact('crc-durham-tees-valley', 'DTV CRC data protection officer'),
          contact('crc-northumbria', 'Northumbria CRC data protection officer'),
        ],
        termination: {
          noticeDays: 60,
          dataOnTermination:
            'Case records follow the managing organisation; copies held by the other party are destroyed within 30 days',
        },
      },
    },
  ];
}

/**
 * DEMO=true: drafts the demo agreements and signs them for every party with its demo key
 * (DATA_DIR/demo-keys/<org>.jwk), through the agreements module's own commands, so the
 * signatures are real and verifiable. Idempotent: existing agreements are left as they are,
 * and a half-signed one (an interrupted start) gets its missing signatures.
 */
export async function seedDemoAgreements(app: INestApplication, config: AppConfig, logger: JsonLogger): Promise<void> {
  const agreements = app.get(AgreementBootstrap);
  const kinds = new Map<string, OrgKind>(DEMO_ORGANISATIONS.map((o) => [o.id, o.kind]));
  const made: string[] = [];
  for (const d of demoAgreements()) {
    let state = await agreements.state(d.id);
    if (!state) {
      try {
        await agreements.draftAsOperator(d.id, d.terms, 'system:demo-seed');
        made.push(d.id);
      } catch (e) {
        // Another instance seeding the same database drafted it first.
        if ((e as { code?: string }).code !== 'agreement_already_exists') throw e;
      }
      state = await agreements.state(d.id);
    }
    if (!state || (state.status !== 'DRAFT' && state.status !== 'PENDING_SIGNATURES')) continue;
    const bytes = new TextEncoder().encode(state.document);
    for (const org of state.awaitingSignatures) {
      const key = await ensureDemoKey(config.dataDir, org);
      const jws = await new CompactSign(bytes)
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .sign(await importPrivate(key.privateJwk));
      await agreements.signAs(org, kinds.get(org) ?? 'NPS', d.id, jws, 'system:demo-seed');
    }
  }
  logger.log(
    `demo agreements ready (${made.length ? `created and signed ${made.length}` : 'already present'})`,
    'Demo',
  );
}
