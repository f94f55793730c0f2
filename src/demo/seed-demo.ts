import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@config/app.config.js';
import type { JsonLogger } from '@shared/observability/json-logger.js';
import { OrganisationBootstrap, OPERATOR_ORG_ID } from '@modules/organisations/index.js';
import { DEMO_ORGANISATIONS } from './demo-organisations.js';
import { ensureDemoKey } from './demo-keys.js';
import { seedDemoAgreements } from './demo-agreements.js';
import { seedDemoCases } from './demo-cases.js';

/**
 * DEMO=true: demonstration organisations with private keys under DATA_DIR/demo-keys/, so a
 * newcomer can sign calls at once. Idempotent: a second start reuses what the first made.
 */
export async function seedDemo(app: INestApplication, config: AppConfig, logger: JsonLogger): Promise<void> {
  const orgs = app.get(OrganisationBootstrap);
  const made: string[] = [];
  for (const o of DEMO_ORGANISATIONS) {
    const key = await ensureDemoKey(config.dataDir, o.id);
    const r = await orgs.ensureOrganisation({
      id: o.id,
      kind: o.kind,
      name: o.name,
      region: o.region,
      keys: [key.publicJwk],
    });
    if (r !== 'existing') made.push(o.id);
  }
  if (!config.bootstrapAdminJwks) {
    const key = await ensureDemoKey(config.dataDir, OPERATOR_ORG_ID);
    await orgs.ensureOrganisation({
      id: OPERATOR_ORG_ID,
      kind: 'GATEWAY',
      name: 'Gateway operator',
      region: 'England and Wales',
      keys: [key.publicJwk],
    });
  }
  await seedDemoAgreements(app, config, logger);
  await seedDemoCases(app, config, logger);
  logger.log(
    `demo data ready (${made.length ? `created ${made.join(', ')}` : 'already present'}); private keys under ${config.dataDir}/demo-keys/`,
    'Demo',
  );
}
