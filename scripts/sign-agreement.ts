/**
 * Signs a data-sharing agreement for an organisation, as its dsa-signatory: fetches the
 * canonical document of the current version (GET /agreements/{id}/document), signs exactly
 * those bytes with the organisation's private key (compact JWS, ES256 or EdDSA, header kid),
 * and posts { jws } to /agreements/{id}/signatures. Requests are signed with the same key.
 *
 *   npm run -s build && node dist/scripts/sign-agreement.js --id <agreement-id> \
 *     --org police-cleveland --sub user:dsa-officer-1 [--key private.jwk] [--url http://127.0.0.1:3000] [--print-only]
 *
 * --print-only prints the JWS instead of posting it (to post it with another tool).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompactSign, type JWK } from 'jose';
import { loadConfig } from '@config/app.config.js';
import { signRequestToken } from '@shared/auth/request-token.js';
import { demoKeyPath, importPrivate } from '../src/demo/demo-keys.js';

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    org: { type: 'string' },
    sub: { type: 'string' },
    key: { type: 'string' },
    url: { type: 'string' },
    'print-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(msg: string): never {
  process.stderr.write(`${msg}\nusage: node dist/scripts/sign-agreement.js --id <agreement-id> --org <org> --sub user:<id> [--key private.jwk] [--url http://127.0.0.1:3000] [--print-only]\n`);
  process.exit(2);
}

if (values.help) fail('Signs the current version of an agreement for an organisation.');
if (!values.id || !/^[0-9a-f-]{36}$/i.test(values.id)) fail('--id must be an agreement id (UUID)');
if (!values.org) fail('--org is required');
if (!values.sub) fail('--sub is required (who signs, e.g. user:dsa-officer-1)');
const config = loadConfig();
const base = (values.url ?? `http://127.0.0.1:${config.port}`).replace(/\/$/, '');
const keyFile = values.key ?? demoKeyPath(config.dataDir, values.org);
let jwk: JWK;
try {
  jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
} catch {
  fail(`cannot read a private JWK at ${keyFile} (start the gateway with DEMO=true first, or pass --key)`);
}
if (!jwk.d || !jwk.kid) fail(`${keyFile} must be a private JWK with a kid`);
const alg = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
const privateKey = await importPrivate(jwk);

async function call(method: 'GET' | 'POST', path: string, body?: string): Promise<Response> {
  const token = await signRequestToken({ privateKey, alg, kid: jwk.kid!, iss: values.org!, sub: values.sub!, aud: config.gatewayId, method, path, body, roles: ['dsa-signatory'] });
  return fetch(base + path, { method, body, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) } });
}

const docRes = await call('GET', `/agreements/${values.id}/document`);
const document = new Uint8Array(await docRes.arrayBuffer());
if (!docRes.ok) fail(`GET document: ${docRes.status} ${new TextDecoder().decode(document)}`);
const jws = await new CompactSign(document).setProtectedHeader({ alg, kid: jwk.kid }).sign(privateKey);
if (values['print-only']) {
  process.stdout.write(`${jws}\n`);
  process.exit(0);
}
const res = await call('POST', `/agreements/${values.id}/signatures`, JSON.stringify({ jws }));
const out = (await res.json()) as Record<string, unknown>;
if (!res.ok) fail(`POST signature: ${res.status} ${JSON.stringify(out)}`);
process.stdout.write(`signed version ${docRes.headers.get('x-agreement-version')} for ${values.org}: status ${String(out.status)}, awaiting ${JSON.stringify(out.awaitingSignatures)}\n`);
