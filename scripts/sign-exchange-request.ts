/**
 * Prints a signed exchange request (a compact JWS, typ exchange-request+jwt) of a demo
 * organisation, or with any private key file given by --key, to POST to /exchange-requests.
 *
 *   npm run -s build && node dist/scripts/sign-exchange-request.js --org police-cleveland \
 *     --provider nps-north-east --crn X123456 --purpose IOM --categories ROSH,NEEDS \
 *     --agreement <agreement id> --justification "IOM panel" [--urgency URGENT]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompactSign, type JWK } from 'jose';
import { loadConfig } from '@config/app.config.js';
import { demoKeyPath, importPrivate } from '../src/demo/demo-keys.js';

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    provider: { type: 'string' },
    crn: { type: 'string' },
    purpose: { type: 'string' },
    categories: { type: 'string' },
    agreement: { type: 'string' },
    justification: { type: 'string' },
    urgency: { type: 'string', default: 'ROUTINE' },
    key: { type: 'string' },
  },
});

const missing = ['org', 'provider', 'crn', 'purpose', 'categories', 'agreement', 'justification'].filter((k) => !values[k as keyof typeof values]);
if (missing.length) {
  process.stderr.write(`missing --${missing.join(', --')}\n`);
  process.exit(2);
}
const jwk = JSON.parse(readFileSync(values.key ?? demoKeyPath(loadConfig().dataDir, values.org!), 'utf8')) as JWK;
const claims = {
  iss: values.org,
  iat: Math.floor(Date.now() / 1000),
  jti: randomUUID(),
  provider: values.provider,
  crn: values.crn,
  purpose: values.purpose,
  dataCategories: values.categories!.split(',').filter(Boolean),
  justification: values.justification,
  urgency: values.urgency,
  agreementId: values.agreement,
};
const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
  .setProtectedHeader({ alg: jwk.kty === 'OKP' ? 'EdDSA' : 'ES256', kid: jwk.kid, typ: 'exchange-request+jwt' })
  .sign(await importPrivate(jwk));
process.stdout.write(jws + '\n');
