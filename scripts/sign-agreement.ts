/**
 * Signs a data-sharing agreement for an organisation, as its dsa-signatory: fetches the
 * canonical document of the current version (GET /agreements/{id}/document), signs exactly
 * those bytes with the organisation's private key (compact JWS, ES256 or EdDSA, header kid),
 * and posts { jws } to /agreements/{id}/signatures. Requests are signed with the same key.
 *
 *   npm run -s sign-agreement -- --id <agreement-id> --org police-cleveland --sub user:dsa-officer-1 \
 *     [--key private.jwk] [--url http://127.0.0.1:3000] [--print-only]
 *
 * --print-only prints the JWS instead of posting it (to post it with another tool).
 */
import { CompactSign } from 'jose';
import { signRequestToken } from '@shared/auth/request-token.js';
import { defineCli } from './lib/cli.js';
import { toolConfig } from './lib/config.js';
import { loadSigningKey } from './lib/keys.js';

const cli = defineCli('sign-agreement', {
  usage: 'npm run -s sign-agreement --',
  summary:
    'Signs the current version of a data-sharing agreement for an organisation, as its dsa-signatory: fetches GET /agreements/{id}/document, signs exactly those bytes (compact JWS) and posts { jws } to /agreements/{id}/signatures.',
  options: {
    id: { type: 'string', value: '<uuid>', required: true, description: 'The agreement id' },
    org: {
      type: 'string',
      value: '<org>',
      required: true,
      description: 'The signing organisation; its demo key is used unless --key is given',
    },
    sub: { type: 'string', value: 'user:<id>', required: true, description: 'Who signs, e.g. user:dsa-officer-1' },
    key: {
      type: 'string',
      value: '<private.jwk>',
      description: 'Sign with this private JWK instead of DATA_DIR/demo-keys/<org>.jwk',
    },
    url: {
      type: 'string',
      value: '<base url>',
      description: 'The gateway; default http://127.0.0.1:$PORT (PORT default 3000)',
    },
    'print-only': { type: 'boolean', default: false, description: 'Print the JWS instead of posting it' },
  },
  examples: ['npm run -s sign-agreement -- --id <id> --org police-durham --sub user:durham-dsa-1'],
  notes: [
    'Reads PORT, DATA_DIR and GATEWAY_ID from the environment. Exit status 0 signed, 1 the gateway refused, 2 a bad option.',
  ],
});

const values = cli.parse();
cli.run(async () => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.id))
    cli.usageError('--id must be an agreement id (UUID)');
  const config = toolConfig(cli);
  let base: string;
  try {
    base = new URL(values.url ?? `http://127.0.0.1:${config.port}`).toString().replace(/\/$/, '');
  } catch {
    cli.usageError(`--url must be an http(s) URL (got "${values.url}")`);
  }
  const key = await loadSigningKey(cli, { keyFile: values.key, dataDir: config.dataDir, org: values.org });

  const call = async (method: 'GET' | 'POST', path: string, body?: string): Promise<Response> => {
    const token = await signRequestToken({
      privateKey: key.privateKey,
      alg: key.alg,
      kid: key.jwk.kid,
      iss: values.org,
      sub: values.sub,
      aud: config.gatewayId,
      method,
      path,
      body,
      roles: ['dsa-signatory'],
    });
    return fetch(base + path, {
      method,
      body,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    });
  };

  const docRes = await call('GET', `/agreements/${values.id}/document`);
  const document = new Uint8Array(await docRes.arrayBuffer());
  if (!docRes.ok) cli.fail(`GET document: ${docRes.status} ${new TextDecoder().decode(document)}`);
  const jws = await new CompactSign(document)
    .setProtectedHeader({ alg: key.alg, kid: key.jwk.kid })
    .sign(key.privateKey);
  if (values['print-only']) {
    process.stdout.write(`${jws}\n`);
    return;
  }
  const res = await call('POST', `/agreements/${values.id}/signatures`, JSON.stringify({ jws }));
  const out = (await res.json()) as Record<string, unknown>;
  if (!res.ok) cli.fail(`POST signature: ${res.status} ${JSON.stringify(out)}`);
  process.stdout.write(
    `signed version ${docRes.headers.get('x-agreement-version')} for ${values.org}: status ${String(out.status)}, awaiting ${JSON.stringify(out.awaitingSignatures)}\n`,
  );
});
