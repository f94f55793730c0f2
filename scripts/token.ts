/**
 * Prints a signed request token (API.md, Authentication) for a person or system of a demo
 * organisation, or with any private key file given by --key.
 *
 *   npm run -s token -- --org police-cleveland --sub user:pc-101 --roles iom-officer \
 *     --attrs force=cleveland --method GET --path /organisations --reason "IOM review"
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { loadConfig } from '@config/app.config.js';
import { signRequestToken } from '@shared/auth/request-token.js';
import { demoKeyPath, importPrivate } from '../src/demo/demo-keys.js';

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    sub: { type: 'string' },
    roles: { type: 'string', default: '' },
    attrs: { type: 'string', default: '' },
    method: { type: 'string', default: 'GET' },
    path: { type: 'string' },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    reason: { type: 'string' },
    'break-glass': { type: 'boolean', default: false },
    key: { type: 'string' },
    aud: { type: 'string' },
    ttl: { type: 'string', default: '120' },
    help: { type: 'boolean', default: false },
  },
});

function fail(msg: string): never {
  process.stderr.write(`${msg}\nusage: npm run -s token -- --org <org> --sub user:<id>|system:<id> --path <path?query> [--method GET] [--roles a,b] [--attrs k=v,k2=v2] [--reason text] [--body json | --body-file f] [--break-glass] [--key private.jwk] [--ttl 120]\n`);
  process.exit(2);
}

if (values.help) fail('Signs a gateway request token.');
if (!values.org) fail('--org is required');
if (!values.sub) fail('--sub is required');
if (!values.path || !values.path.startsWith('/')) fail('--path is required and must start with /');
const config = loadConfig();
const keyFile = values.key ?? demoKeyPath(config.dataDir, values.org);
let jwk: JWK;
try {
  jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
} catch {
  fail(`cannot read a private JWK at ${keyFile} (start the gateway with DEMO=true first, or pass --key)`);
}
if (!jwk.d || !jwk.kid) fail(`${keyFile} must be a private JWK with a kid`);
const attrs: Record<string, string | string[]> = {};
for (const pair of values.attrs.split(',').filter(Boolean)) {
  const [k, ...rest] = pair.split('=');
  const v = rest.join('=');
  attrs[k] = v.includes('|') ? v.split('|') : v;
}
const body = values['body-file'] ? readFileSync(values['body-file']) : values.body;
const token = await signRequestToken({
  privateKey: await importPrivate(jwk),
  alg: jwk.kty === 'OKP' ? 'EdDSA' : 'ES256',
  kid: jwk.kid,
  iss: values.org,
  sub: values.sub,
  aud: values.aud ?? config.gatewayId,
  method: values.method,
  path: values.path,
  body,
  roles: values.roles.split(',').filter(Boolean),
  attrs: Object.keys(attrs).length ? attrs : undefined,
  reason: values.reason,
  breakGlass: values['break-glass'],
  ttlSeconds: Number(values.ttl),
});
process.stdout.write(token + '\n');
