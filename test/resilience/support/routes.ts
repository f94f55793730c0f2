import type { TestGateway } from '../../setup/test-app.js';

export interface DocRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** OpenAPI template, e.g. /cases/{crn}/summary */
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProps: string[];
  consumes: string[];
}

/** The parts of an OpenAPI 3 schema and operation that docRoutes reads. */
interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Every operation of the OpenAPI document the gateway serves at GET /docs-json. */
export async function docRoutes(gw: TestGateway): Promise<DocRoute[]> {
  const res = await gw.http.get('/docs-json');
  if (res.status !== 200) throw new Error(`GET /docs-json: ${res.status}`);
  const doc = res.body as {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const schemas = doc.components?.schemas ?? {};
  const props = (s: Schema | undefined): string[] => {
    if (!s) return [];
    if (s.$ref) return props(schemas[String(s.$ref).split('/').pop()!]);
    return Object.keys(s.properties ?? {});
  };
  const out: DocRoute[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      out.push({
        method: method.toUpperCase() as DocRoute['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyProps: Object.values(content).flatMap((c) => props(c.schema)),
        consumes: Object.keys(content),
      });
    }
  }
  return out;
}

export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}
