/**
 * Prints a signed request token (docs/api.md, Authentication) for a person or system of a demo
 * organisation, or with any private key file given by --key.
 *
 *   npm run -s token -- --org police-cleveland --sub user:pc-101 --roles iom-officer \
 *     --attrs force=cleveland --method GET --path /organisations --reason "IOM review"
 */
import { readFileSync } from 'node:fs';
import { ACTOR_SUBJECT } from '@shared/auth/principal.js';
import { ORG_ID } from '@modules/access-log/index.js';
import { signRequestToken } from '@shared/auth/request-token.js';
import { defineCli, intOption } from './lib/cli.js';
import { toolConfig } from './lib/config.js';
import { loadSigningKey } from './lib/keys.js';

const cli = defineCli('token', {
  usage: 'npm run -s token --',
  summary:
    'Prints a signed request token (a JWT, typ gw-request+jwt) bound to one method, path and body, to send as Authorization: Bearer <token>.',
  options: {
    org: {
      type: 'string',
      value: '<org>',
      required: true,
      description: 'The calling organisation (iss); its demo key is used unless --key is given',
    },
    sub: { type: 'string', value: 'user:<id>|system:<id>', required: true, description: 'Who acts (sub)' },
    path: {
      type: 'string',
      value: '<path?query>',
      required: true,
      description: 'The request path with its query, exactly as sent (htu), e.g. /cases/X123456/summary?purpose=IOM',
    },
    method: { type: 'string', value: '<method>', default: 'GET', description: 'The HTTP method (htm)' },
    roles: {
      type: 'string',
      value: '<a,b>',
      default: '',
      description: 'Comma-separated roles the organisation grants the actor',
    },
    attrs: {
      type: 'string',
      value: '<k=v,k2=v2>',
      default: '',
      description: 'Attributes for the policies; a value with | is a list (team=a|b)',
    },
    reason: {
      type: 'string',
      value: '<text>',
      description: 'Why: required on every read of case data and every exchange request',
    },
    body: { type: 'string', value: '<json>', description: 'The exact request body, to bind its SHA-256 (bsh)' },
    'body-file': { type: 'string', value: '<file>', description: 'The same, with the body read from a file' },
    'break-glass': {
      type: 'boolean',
      default: false,
      description: 'An emergency read outside the relationship (breakGlass: true), flagged for IG review',
    },
    key: {
      type: 'string',
      value: '<private.jwk>',
      description: 'Sign with this private JWK instead of DATA_DIR/demo-keys/<org>.jwk',
    },
    aud: { type: 'string', value: '<gateway id>', description: 'The audience; default GATEWAY_ID (probation-gateway)' },
    ttl: { type: 'string', value: '<seconds>', default: '120', description: 'Lifetime of the token, 1 to 300 seconds' },
  },
  examples: [
    'npm run -s token -- --org police-cleveland --sub user:pc-101 --roles iom-officer --attrs force=cleveland --path /organisations',
    'npm run -s token -- --org crc-durham-tees-valley --sub system:crc-cms --roles system --method PUT --path /cases/X123456 --body-file case.json',
  ],
  notes: ['Reads DATA_DIR (default .data) and GATEWAY_ID from the environment. Exit status 0, or 2 for a bad option.'],
});

const values = cli.parse();
cli.run(async () => {
  if (!values.path.startsWith('/')) cli.usageError('--path must start with /');
  // What the gateway would refuse (401) is refused here, before a token is printed.
  if (!ACTOR_SUBJECT.test(values.sub)) cli.usageError(`--sub must be user:<id> or system:<id> (got "${values.sub}")`);
  if (!ORG_ID.test(values.org))
    cli.usageError(`--org must be an organisation id such as police-cleveland (got "${values.org}")`);
  if (values.body !== undefined && values['body-file'] !== undefined)
    cli.usageError('--body and --body-file go one at a time');
  const ttlSeconds = intOption(cli, 'ttl', values.ttl, 1, 300);
  const config = toolConfig(cli);
  const key = await loadSigningKey(cli, { keyFile: values.key, dataDir: config.dataDir, org: values.org });
  const attrs: Record<string, string | string[]> = {};
  for (const pair of values.attrs.split(',').filter(Boolean)) {
    const [k, ...rest] = pair.split('=');
    if (!k || rest.length === 0) cli.usageError(`--attrs takes key=value pairs (got "${pair}")`);
    const v = rest.join('=');
    attrs[k] = v.includes('|') ? v.split('|') : v;
  }
  let body: string | Buffer | undefined = values.body;
  if (values['body-file'] !== undefined) {
    try {
      body = readFileSync(values['body-file']);
    } catch {
      cli.usageError(`cannot read --body-file ${values['body-file']}`);
    }
  }
  const token = await signRequestToken({
    privateKey: key.privateKey,
    alg: key.alg,
    kid: key.jwk.kid,
    iss: values.org,
    sub: values.sub,
    aud: values.aud ?? config.gatewayId,
    method: values.method.toUpperCase(),
    path: values.path,
    body,
    roles: values.roles.split(',').filter(Boolean),
    attrs: Object.keys(attrs).length ? attrs : undefined,
    reason: values.reason,
    breakGlass: values['break-glass'],
    ttlSeconds,
  });
  process.stdout.write(token + '\n');
});
