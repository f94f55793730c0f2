/**
 * Prints a signed exchange request (a compact JWS, typ exchange-request+jwt) of a demo
 * organisation, or with any private key file given by --key, to POST to /exchange-requests.
 *
 *   npm run -s sign-exchange-request -- --org police-cleveland --provider nps-north-east \
 *     --crn X123456 --purpose IOM --categories ROSH,NEEDS --agreement <agreement id> \
 *     --justification "IOM panel" [--urgency URGENT]
 */
import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';
import { loadSigningKey } from './lib/keys.js';

const cli = defineCli('sign-exchange-request', {
  usage: 'npm run -s sign-exchange-request --',
  summary:
    'Prints a record-exchange request signed by the requesting organisation: a compact JWS (typ exchange-request+jwt) to POST to /exchange-requests with Content-Type: application/jose.',
  options: {
    org: {
      type: 'string',
      value: '<org>',
      required: true,
      description: 'The requesting organisation (iss); its demo key is used unless --key is given',
    },
    provider: { type: 'string', value: '<org>', required: true, description: 'The organisation asked for the records' },
    crn: { type: 'string', value: '<crn>', required: true, description: 'The case reference number, e.g. X123456' },
    purpose: {
      type: 'string',
      value: '<purpose>',
      required: true,
      description: 'IOM, MAPPA, RISK_MANAGEMENT, RECALL, COURT_REPORT or SUBJECT_ACCESS',
    },
    categories: {
      type: 'string',
      value: '<A,B>',
      required: true,
      description: 'Comma-separated data categories, e.g. ROSH,NEEDS',
    },
    agreement: {
      type: 'string',
      value: '<uuid>',
      required: true,
      description: 'The id of the data-sharing agreement the request relies on',
    },
    justification: { type: 'string', value: '<text>', required: true, description: 'Why the records are needed' },
    urgency: {
      type: 'string',
      value: 'ROUTINE|URGENT',
      default: 'ROUTINE',
      description: 'URGENT is due in 24 hours, ROUTINE in 10 working days',
    },
    key: {
      type: 'string',
      value: '<private.jwk>',
      description: 'Sign with this private JWK instead of DATA_DIR/demo-keys/<org>.jwk',
    },
  },
  examples: [
    'npm run -s sign-exchange-request -- --org police-cleveland --provider nps-north-east --crn X123456 --purpose IOM --categories ROSH,NEEDS --agreement <id> --justification "IOM panel"',
  ],
  notes: [
    'Reads DATA_DIR (default .data) from the environment. The gateway checks the claims; this tool only signs them. Exit status 0, or 2 for a bad option.',
  ],
});

const values = cli.parse();
cli.run(async () => {
  if (values.urgency !== 'ROUTINE' && values.urgency !== 'URGENT')
    cli.usageError('--urgency must be ROUTINE or URGENT');
  const { dataDir } = toolConfig(cli);
  const key = await loadSigningKey(cli, { keyFile: values.key, dataDir, org: values.org });
  const claims = {
    iss: values.org,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    provider: values.provider,
    crn: values.crn,
    purpose: values.purpose,
    dataCategories: values.categories.split(',').filter(Boolean),
    justification: values.justification,
    urgency: values.urgency,
    agreementId: values.agreement,
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.jwk.kid, typ: 'exchange-request+jwt' })
    .sign(key.privateKey);
  process.stdout.write(jws + '\n');
});
