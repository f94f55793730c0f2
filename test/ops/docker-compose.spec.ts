// compose-spec.schema.json is the Compose Specification's JSON schema (compose-spec/compose-spec,
// Apache-2.0), vendored as the dclint 3.1.0 npm package ships it (schemas/compose.schema.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = process.cwd();
const schema = JSON.parse(readFileSync(path.join(root, 'test/ops/compose-spec.schema.json'), 'utf8')) as Record<
  string,
  unknown
>;
const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(text) as { services: Record<string, { environment?: Record<string, string>; ports?: string[] }> };

/**
 * The schema names draft-07 by its https URL; Ajv knows the meta-schema by its http one. The
 * upstream schema leaves `type` out beside object keywords, which only Ajv's strictTypes objects to.
 */
function compileSchema() {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  const draft7 = ajv.getSchema('http://json-schema.org/draft-07/schema')!.schema as Record<string, unknown>;
  ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const validate = compileSchema();
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: an unknown service key is refused', () => {
    const validate = compileSchema();
    expect(
      validate({
        ...compose,
        services: { ...compose.services, gateway: { ...compose.services.gateway, restart_policy: 'always' } },
      }),
    ).toBe(false);
  });

  it('says which Compose version it needs', () => {
    expect(text).toMatch(/Docker Compose v2\.23\.1 or later/);
  });

  it('publishes the gateway and its metrics listener on the host loopback only', () => {
    const gw = compose.services.gateway;
    expect(gw.ports).toEqual(['127.0.0.1:${GATEWAY_PORT:-3000}:3000', '127.0.0.1:${METRICS_HOST_PORT:-9464}:9464']);
    expect(gw.environment).toMatchObject({ METRICS_PORT: '9464', DEMO: '${DEMO:-false}' });
  });
});
