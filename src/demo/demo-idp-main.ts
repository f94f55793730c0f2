// The demo identity provider as a process of its own (as an organisation's IdP is):
//   DEMO_IDP_PORT=3001 GATEWAY_ORIGINS=http://127.0.0.1:3000 GATEWAY_JWK='{"kty":"EC",...}' node dist/src/demo/demo-idp-main.js
// GATEWAY_JWK is the gateway's public signing key (GET /.well-known/jwks.json), which its client
// assertions are checked against. npm start runs the same provider inside the gateway's process.
import { startDemoIdentityProvider } from './demo-identity-provider.js';

const port = Number(process.env.DEMO_IDP_PORT ?? '3001');
const origins = (process.env.GATEWAY_ORIGINS ?? '').split(',').filter(Boolean);
const jwk = process.env.GATEWAY_JWK;
if (!Number.isInteger(port) || port < 1 || port > 65535 || !origins.length || !jwk) {
  process.stderr.write('demo-idp: set DEMO_IDP_PORT (1-65535), GATEWAY_ORIGINS (comma-separated) and GATEWAY_JWK\n');
  process.exit(2);
}
const idp = await startDemoIdentityProvider({
  gatewayOrigins: origins,
  gatewayJwk: JSON.parse(jwk) as Record<string, string>,
  port,
});
process.stdout.write(`demo identity provider on ${idp.issuer}\n`);
const stop = () => void idp.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
