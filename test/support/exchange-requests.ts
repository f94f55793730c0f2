import { DEMO_ORGANISATIONS } from '../../src/demo/demo-organisations.js';
import { activeAgreement, agreementTerms } from '../factories/agreement.factory.js';
import { aCase, requestClaims, requestJws, submit } from '../factories/exchange.factory.js';
import type { TestGateway } from '../setup/test-app.js';

/** The principal `sub` of a demo person signed in through the demo IdP (`user:<role>.<org>`). */
export const demoSub = (role: string, org: string) => `user:${role}.${org}`;

/** Gives the test gateway's demo organisations their demo names (TestGateway registers them by id). */
export async function nameDemoOrganisations(gw: TestGateway): Promise<void> {
  for (const o of DEMO_ORGANISATIONS) await gw.sql('UPDATE organisations SET name = $2 WHERE id = $1', [o.id, o.name]);
}

/** An ACTIVE IOM agreement from nps-north-east to police-cleveland for identity, risk summary, RoSH, needs and licence conditions. */
export function iomAgreement(gw: TestGateway): Promise<string> {
  return activeAgreement(
    gw,
    agreementTerms({ dataCategories: ['IDENTITY', 'RISK_SUMMARY', 'ROSH', 'NEEDS', 'LICENCE_CONDITIONS'] }),
  );
}

export { aCase };

/**
 * A request from police-cleveland to nps-north-east, signed with Cleveland's key and submitted
 * through the API by `sub` (by default Cleveland's demo IOM officer); answers its id.
 */
export async function askNps(
  gw: TestGateway,
  agreementId: string,
  o: { crn: string; dataCategories: string[]; urgency?: 'ROUTINE' | 'URGENT'; sub?: string },
): Promise<string> {
  const police = gw.orgs['police-cleveland'];
  const jws = await requestJws(
    police,
    requestClaims(agreementId, {
      crn: o.crn,
      dataCategories: o.dataCategories,
      urgency: o.urgency ?? 'ROUTINE',
    }),
  );
  const res = await submit(gw, jws, {
    org: police,
    roles: ['iom-officer'],
    sub: o.sub ?? demoSub('iom-officer', 'police-cleveland'),
  });
  if (res.status !== 201) throw new Error(`submit ${o.crn}: ${res.status} ${res.text}`);
  return res.body.id as string;
}
