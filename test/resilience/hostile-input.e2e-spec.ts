import fc from 'fast-check';
import { SignJWT } from 'jose';
import { TestGateway, type TestOrg } from '../setup/test-app.js';
import { activeAgreement, signBytes } from '../factories/agreement.factory.js';
import { aCase, requestJws } from '../factories/exchange.factory.js';
import { aKey } from '../factories/jwk.factory.js';
import { CONTENT_TYPES, hostileJson, hostileString, RAW_BODIES } from './support/hostile.js';
import { report, scale } from './support/mode.js';
import { closeAgent, encode, rawRequest } from './support/raw-http.js';
import { RowSnapshots } from './support/rows.js';
import { docRoutes, fillPath, type DocRoute } from './support/routes.js';
import {
  INVALID_UTF8,
  isDateTime,
  OUT_OF_RANGE_INSTANTS,
  replaceAt,
  stringLeaves,
  UNSTORABLE_STRINGS,
  UNSTORABLE_URL_TEXT,
  validRequestClaims,
  validRequests,
  valueAt,
  type Fixtures,
} from './support/string-inputs.js';

const RUNS = scale(400, 10_000);
/** The quick form replays the same inputs every time (npm test must not depend on luck); the long form explores. */
const SEED = process.env.RESILIENCE_SEED
  ? Number(process.env.RESILIENCE_SEED)
  : scale<number | undefined>(20261122, undefined);
/** Routes whose success writes rows whatever the body says (a console sign-in opens a session). */
const WRITES_ON_SUCCESS: Record<string, string[]> = {
  'POST /ig/session': ['ig_sessions'],
  'POST /ig/demo-session': ['ig_sessions'],
  'DELETE /organisations/{id}/ig-sessions': ['ig_sessions'],
};

interface Attempt {
  route: DocRoute;
  principal: number;
  pathValues: Record<string, string>;
  query: [string, string][];
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; index: number }
    | { kind: 'props'; value: Record<string, unknown> };
  contentType: string;
  headers: [string, string][];
  tokenMode: 'signed' | 'garbage' | 'none';
  garbage: string;
}

/**
 * Property-based fuzzing of every route in /docs-json: path, query, body and headers filled with
 * hostile values, signed as a principal holding many roles so the input gets past authentication.
 * For every input: never a 5xx; every error is problem+json with no stack, SQL or path in it;
 * a rejected request (4xx) changes no row (outside the replay store and the access log), and a
 * 400 writes no access-log entry except exchange.reject (a refused exchange submission is
 * recorded by design, see src/modules/exchange/application/exchange-log.ts).
 */
describe('Hostile input (fast-check over every route in /docs-json)', () => {
  let gw: TestGateway;
  let rows: RowSnapshots;
  let routes: DocRoute[];
  let principals: { org: TestOrg; roles: string[]; attrs?: Record<string, unknown>; reason: string }[];
  const tally = {
    runs: 0,
    byStatus: {} as Record<string, number>,
    rawBodies: 0,
    okResponses: 0,
    slowestRawBodies: [] as string[],
    stringInputs: 0,
  };

  beforeAll(async () => {
    gw = await TestGateway.start();
    await aCase(gw, 'X100001');
    await aCase(gw, 'X100002', { managingOrg: 'crc-durham-tees-valley', restricted: true });
    rows = await RowSnapshots.open(gw.db.ownerUrl);
    routes = await docRoutes(gw);
    const server = gw.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as import('node:net').AddressInfo).port;
    principals = [
      { org: gw.orgs.gateway, roles: ['gateway-admin', 'ig-reviewer'], reason: 'fuzz' },
      {
        org: gw.orgs['nps-north-east'],
        roles: ['system', 'offender-manager', 'data-owner', 'dsa-signatory', 'ig-reviewer'],
        reason: 'fuzz',
      },
      {
        org: gw.orgs['police-cleveland'],
        roles: ['iom-officer', 'system', 'data-owner', 'dsa-signatory'],
        attrs: { force: 'cleveland' },
        reason: 'fuzz',
      },
      {
        org: gw.orgs['crc-durham-tees-valley'],
        roles: ['system', 'offender-manager', 'mappa-coordinator'],
        reason: 'fuzz',
      },
    ];
  }, 120_000);

  afterAll(async () => {
    closeAgent();
    await rows?.close();
    await gw?.close();
    report('hostile-input', { ...tally, routes: routes?.length, seed: SEED ?? 'random' });
  });

  let port: number;
  const send = (method: string, url: string, headers: Record<string, string>, payload?: Buffer) =>
    rawRequest(port, method, url, headers, payload);

  const attempt = (): fc.Arbitrary<Attempt> =>
    fc.record({
      route: fc.constantFrom(...routes),
      principal: fc.nat({ max: principals.length - 1 }),
      pathValues: fc.dictionary(
        fc.constantFrom('crn', 'id', 'index', 'treeSize', 'version', 'assessmentId', 'file'),
        fc.oneof(hostileString.map(encode), fc.constantFrom('%ff', '%', '%E0%A4%A', '..%2f..%2f', '%2e%2e', '%00')),
      ),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'purpose',
              'limit',
              'cursor',
              'direction',
              'status',
              'treeSize',
              'from',
              'to',
              'crn',
              'org',
              'decision',
              '__proto__',
            ),
            hostileString,
          ),
          hostileString,
        ),
        { maxLength: 4 },
      ),
      body: fc.oneof(
        fc.constant({ kind: 'none' as const }),
        hostileJson.map((value) => ({ kind: 'json' as const, value })),
        fc.nat({ max: RAW_BODIES.length - 1 }).map((index) => ({ kind: 'raw' as const, index })),
        fc
          .dictionary(
            fc.constantFrom(
              'reason',
              'keys',
              'jws',
              'decision',
              'person',
              'managingOrg',
              'tier',
              'parties',
              'purposes',
              'principal',
              'crn',
              'purpose',
              'toOrg',
              'id',
              'kind',
              'jwks',
            ),
            hostileJson,
          )
          .map((value) => ({ kind: 'props' as const, value })),
      ),
      contentType: fc.oneof(
        { weight: 5, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
      headers: fc.array(
        fc.tuple(
          fc.constantFrom(
            'x-forwarded-for',
            'x-request-id',
            'accept',
            'content-encoding',
            'transfer-encoding',
            'host',
            'x-http-method-override',
            'cookie',
          ),
          hostileString,
        ),
        { maxLength: 2 },
      ),
      tokenMode: fc.constantFrom('signed', 'signed', 'signed', 'signed', 'garbage', 'none'),
      garbage: hostileString,
    });

  it(
    `never answers 5xx, always problem+json, and a rejected request changes no row (${RUNS} inputs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(attempt(), async (a) => {
          const values: Record<string, string> = {};
          for (const p of a.route.pathParams) values[p] = a.pathValues[p] ?? 'X100001';
          const qs = a.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
          const url = fillPath(a.route.path, values) + (qs ? `?${qs}` : '');
          let payload: Buffer | undefined;
          if (a.body.kind === 'json' || a.body.kind === 'props')
            payload = Buffer.from(JSON.stringify(a.body.value) ?? 'null');
          else if (a.body.kind === 'raw') payload = RAW_BODIES[a.body.index].bytes;
          const headers: Record<string, string> = {};
          for (const [k, v] of a.headers) headers[k] = v;
          if (payload !== undefined && a.contentType) headers['content-type'] = a.contentType;
          const p = principals[a.principal];
          if (a.tokenMode === 'signed')
            headers.authorization = `Bearer ${await gw.token(a.route.method, url, { org: p.org, roles: p.roles, attrs: p.attrs, reason: p.reason }, payload as unknown as string)}`;
          else if (a.tokenMode === 'garbage') headers.authorization = `Bearer ${a.garbage}`;

          const before = await rows.take();
          const logFrom = await rows.logSize();
          let res;
          try {
            res = await send(a.route.method, url, headers, payload);
          } catch (e) {
            // Node refuses to send what no HTTP client can (e.g. CR/LF in a header value)
            if (
              /ERR_INVALID_CHAR|ERR_HTTP_INVALID|ERR_UNESCAPED|Invalid character/i.test(
                `${(e as NodeJS.ErrnoException).code} ${(e as Error).message}`,
              )
            )
              return;
            throw e;
          }
          const after = await rows.take();
          tally.runs++;
          if (a.body.kind === 'raw') tally.rawBodies++;
          tally.byStatus[res.statusCode] = (tally.byStatus[res.statusCode] ?? 0) + 1;
          const where = `${a.route.method} ${url.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;

          expect({ where, serverError: res.statusCode >= 500 }).toEqual({ where, serverError: false });
          if (res.statusCode >= 400) {
            expect({ where, type: res.headers['content-type'] }).toEqual({
              where,
              type: expect.stringMatching(/^application\/problem\+json/),
            });
            const body = JSON.parse(res.body) as { status: number; title: string };
            expect({ where, status: body.status, title: typeof body.title }).toEqual({
              where,
              status: res.statusCode,
              title: 'string',
            });
            expect(res.body).not.toMatch(
              /node_modules|\.js:\d+|\bat [A-Za-z.]+ \(|syntax error at|violates|relation "|\/work\//,
            );
            expect({ where, changed: RowSnapshots.diff(before, after) }).toEqual({ where, changed: [] });
            // A 400 from the application writes no entry. One from Node's HTTP parser (malformed
            // framing, e.g. a bogus Transfer-Encoding on a GET) can come after the route already ran
            // on the request's head: that entry is kept, and nothing reached the client but the 400.
            if (res.statusCode === 400 && !/problem:malformed_request"/.test(res.body)) {
              const entries = (await rows.newEntries(logFrom)).filter((e) => e.action !== 'exchange.reject');
              expect({ where, entries }).toEqual({ where, entries: [] });
            }
          } else {
            tally.okResponses++;
            // Reads may succeed, and a signed sign-in to the IG console opens a session whatever the body;
            // nothing else a fuzzer sends may create or change data.
            const allowed = WRITES_ON_SUCCESS[`${a.route.method} ${a.route.path}`] ?? [];
            expect({ where, changed: RowSnapshots.diff(before, after).filter((t) => !allowed.includes(t)) }).toEqual({
              where,
              changed: [],
            });
          }
        }),
        { numRuns: RUNS, endOnFailure: true, seed: SEED },
      );
    },
    scale(180_000, 3_600_000),
  );

  it(
    'every raw body is refused cleanly on every route that takes a body',
    async () => {
      const failures: string[] = [];
      const slow: string[] = [];
      let n = 0;
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        for (const raw of RAW_BODIES) {
          const url = fillPath(route.path, {
            crn: 'X100001',
            id: '00000000-0000-4000-8000-000000000000',
            index: '0',
            treeSize: '1',
            version: '1',
            assessmentId: 'a1',
          });
          const p = principals[1];
          const before = await rows.take();
          const token = await gw.token(
            route.method,
            url,
            { org: p.org, roles: p.roles, reason: p.reason },
            raw.bytes as unknown as string,
          );
          const t0 = performance.now();
          const res = await send(
            route.method,
            url,
            { authorization: `Bearer ${token}`, 'content-type': route.consumes[0] ?? 'application/json' },
            raw.bytes,
          );
          const ms = performance.now() - t0;
          if (ms > 1000) slow.push(`${route.method} ${route.path} ${raw.name}: ${Math.round(ms)} ms`);
          const where = `${route.method} ${route.path} with ${raw.name} -> ${res.statusCode} ${res.body.slice(0, 160)}`;
          n++;
          if (res.statusCode >= 500) failures.push(where);
          else if (res.statusCode >= 400 && !/^application\/problem\+json/.test(String(res.headers['content-type'])))
            failures.push(`${where} (not problem+json)`);
          else if (res.statusCode >= 400 && RowSnapshots.diff(before, await rows.take()).length)
            failures.push(`${where} (changed rows)`);
          // None of the malformed bodies is a valid input of any route: accepting one means it was
          // misread (invalid UTF-8 decoded to U+FFFD, a lone surrogate stored as something else).
          else if (res.statusCode < 300 && !raw.wellFormed) failures.push(`${where} (accepted)`);
        }
      }
      tally.rawBodies += n;
      tally.slowestRawBodies = slow
        .sort((a, b) => Number(b.split(': ')[1].split(' ')[0]) - Number(a.split(': ')[1].split(' ')[0]))
        .slice(0, 3);
      expect(failures).toEqual([]);
    },
    scale(120_000, 900_000),
  );

  /**
   * Not random: every string input of every route (each string of a valid body, each query and
   * path parameter, the request token's claims, the claims and header of the JWS bodies, the
   * console's review note) in turn holds NUL, a lone surrogate or bytes that are not UTF-8. Each
   * must be a 400 problem naming that input, with no row changed and no log entry written.
   */
  it(
    'refuses text PostgreSQL cannot store, and instants it cannot, in every string input of every route: 400 naming it, nothing written',
    async () => {
      const nps = principals[1];
      const police = principals[2];
      const crc = principals[3];
      await aCase(gw, 'X100003', { managingOrg: 'crc-durham-tees-valley' });
      const transfer = await gw.call(
        'POST',
        '/cases/X100003/transfers',
        { org: crc.org, roles: ['system'] },
        { toOrg: 'nps-north-east', reason: 'NPS to manage' },
      );
      expect(transfer.status).toBe(201);
      const agreementId = await activeAgreement(gw);
      const submitted = await sendJws(
        '/exchange-requests',
        police,
        await requestJws(police.org, validRequestClaims(agreementId, 'X100001')),
      );
      expect(submitted.statusCode).toBe(201);
      const doc = await gw.call('GET', `/agreements/${agreementId}/document`, {
        org: nps.org,
        roles: ['dsa-signatory'],
      });
      const f: Fixtures = {
        crn: 'X100001',
        agreementId,
        transferId: transfer.body.id as string,
        exchangeId: JSON.parse(submitted.body).id as string,
        publicJwk: (await aKey('crc-cumbria-k1')).publicJwk,
        signatureJws: await signBytes(doc.text, nps.org.key),
      };
      const valid = validRequests(f);
      const who = { admin: principals[0], nps, police, crc };
      const failures: string[] = [];
      const missing: string[] = [];
      let tried = 0;

      const check = async (
        label: string,
        field: string,
        go: () => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>,
        opts: { logged?: string } = {},
      ) => {
        const before = await rows.take();
        const logFrom = await rows.logSize();
        const res = await go();
        tried++;
        const where = `${label} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        const changed = RowSnapshots.diff(before, await rows.take());
        const entries = (await rows.newEntries(logFrom)).filter((e) => e.action !== opts.logged);
        if (res.statusCode !== 400) failures.push(`${where} (expected 400)`);
        else if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
          failures.push(`${where} (not problem+json)`);
        else if (!res.body.includes(field)) failures.push(`${where} (does not name ${field})`);
        if (changed.length) failures.push(`${where} (changed ${changed.join(', ')})`);
        if (entries.length) failures.push(`${where} (logged ${entries.map((e) => e.action).join(', ')})`);
      };
      const signedJson = async (
        method: string,
        url: string,
        p: (typeof principals)[number],
        payload: Buffer | undefined,
        claims: Record<string, unknown> = {},
        contentType = 'application/json',
      ) => {
        const token = await gw.token(
          method,
          url,
          { org: p.org, roles: p.roles, attrs: p.attrs, reason: p.reason, ...claims },
          payload as unknown as string,
        );
        return send(
          method,
          url,
          { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': contentType } : {}) },
          payload,
        );
      };

      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (route.path === '/exchange-requests' && route.method === 'POST') continue; // its JWS claims are below
        const v = valid[key] ?? { as: 'nps' as const, path: {} };
        if (!valid[key] && (route.bodyProps.length || route.queryParams.some((q) => !['limit', 'cursor'].includes(q))))
          missing.push(key);
        const p = who[v.as];
        const pathValues: Record<string, string> = {
          crn: f.crn,
          id: f.agreementId,
          index: '0',
          treeSize: '1',
          version: '1',
          assessmentId: 'oasys-1',
          path: '0/000',
          ...v.path,
        };
        const query = { ...Object.fromEntries(route.queryParams.map((q) => [q, v.query?.[q] ?? 'x'])), ...v.query };
        const url = (pv: Record<string, string>, q: Record<string, string>, raw?: string) => {
          const qs = Object.entries(q)
            .map(([k, val]) => `${k}=${k === raw ? val : encode(val)}`)
            .join('&');
          return fillPath(route.path, pv) + (qs ? `?${qs}` : '');
        };
        const body = v.body === undefined ? undefined : Buffer.from(JSON.stringify(v.body));

        for (const bad of UNSTORABLE_STRINGS) {
          for (const leaf of v.body ? stringLeaves(v.body) : []) {
            const hostile = Buffer.from(JSON.stringify(replaceAt(v.body, leaf, bad.splice)));
            await check(`${key} body.${leaf} with ${bad.name}`, leaf.split(/[.[]/).pop()!, () =>
              signedJson(route.method, url(pathValues, query), p, hostile),
            );
          }
        }
        for (const bad of UNSTORABLE_URL_TEXT) {
          for (const name of route.pathParams) {
            // The router refuses a path it cannot decode as a whole ("path"); one it decodes is checked per parameter.
            await check(`${key} path ${name} with ${bad.name}`, bad.name === 'NUL' ? name : 'path', () =>
              signedJson(route.method, url({ ...pathValues, [name]: bad.splice(pathValues[name]) }, query), p, body),
            );
          }
          for (const name of Object.keys(query)) {
            await check(`${key} query ${name} with ${bad.name}`, name, () =>
              signedJson(
                route.method,
                url(pathValues, { ...query, [name]: bad.splice(encode(query[name])) }, name),
                p,
                body,
              ),
            );
          }
        }
        for (const instant of OUT_OF_RANGE_INSTANTS) {
          for (const leaf of v.body ? stringLeaves(v.body).filter((l) => isDateTime(valueAt(v.body, l))) : []) {
            const hostile = Buffer.from(JSON.stringify(replaceAt(v.body, leaf, () => instant)));
            await check(`${key} body.${leaf} = ${instant}`, leaf.split(/[.[]/).pop()!, () =>
              signedJson(route.method, url(pathValues, query), p, hostile),
            );
          }
          for (const name of route.queryParams.filter((n) => isDateTime(query[n]))) {
            await check(`${key} query ${name} = ${instant}`, name, () =>
              signedJson(route.method, url(pathValues, { ...query, [name]: instant }), p, body),
            );
          }
        }
        // An organisation id longer than any registered one (the log's reasons hold 512 characters).
        for (const name of Object.keys(query).filter((n) => n === 'org')) {
          await check(`${key} query org of 600 characters`, name, () =>
            signedJson(route.method, url(pathValues, { ...query, [name]: 'a'.repeat(600) }), p, body),
          );
        }
        if (v.body) {
          const text = JSON.stringify(v.body);
          const at = text.indexOf('":"') + 3; // inside the first string value
          for (const bytes of INVALID_UTF8) {
            const hostile = Buffer.concat([Buffer.from(text.slice(0, at)), bytes, Buffer.from(text.slice(at))]);
            await check(`${key} body with bytes ${bytes.toString('hex')}`, 'body', () =>
              signedJson(route.method, url(pathValues, query), p, hostile),
            );
          }
        }
      }

      // The request token's claims reach the replay store (jti), key look-up (iss, kid) and every log entry (sub, roles, attrs, reason).
      const caseUrl = '/cases/X100001/summary?purpose=IOM';
      for (const bad of UNSTORABLE_STRINGS) {
        for (const [claim, value] of Object.entries({
          reason: { reason: bad.splice('IOM panel') },
          attrs: { attrs: { force: bad.splice('cleveland') } },
          roles: { roles: ['iom-officer', bad.splice('x')] },
          sub: { sub: bad.splice('user:pc-1') },
        })) {
          await check(`token ${claim} with ${bad.name}`, claim, () =>
            signedJson('GET', caseUrl, police, undefined, value),
          );
        }
        /** A token signed by police-cleveland's own key with `over` as claims and `header` in the protected header. */
        const forged = async (over: Record<string, unknown>, header: Record<string, unknown> = {}) => {
          const now = Math.floor(Date.now() / 1000);
          const claims = {
            iss: police.org.id,
            aud: gw.config.gatewayId,
            iat: now,
            exp: now + 60,
            jti: `jti-${tried}-abcdef`,
            sub: 'user:pc-1',
            htm: 'GET',
            htu: caseUrl,
            roles: ['iom-officer'],
            ...over,
          };
          const token = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'ES256', kid: police.org.key.kid, typ: 'gw-request+jwt', ...header })
            .sign(police.org.key.privateKey);
          return send('GET', caseUrl, { authorization: `Bearer ${token}` });
        };
        await check(`token jti with ${bad.name}`, 'jti', () => forged({ jti: bad.splice(`jti-${tried}-abcdef`) }));
        await check(`token iss with ${bad.name}`, 'iss', () => forged({ iss: bad.splice(police.org.id) }));
        await check(`token header kid with ${bad.name}`, 'kid', () =>
          forged({}, { kid: bad.splice(police.org.key.kid) }),
        );
      }

      // The claims and header of a request JWS are stored and logged (exchange.reject is the refusal's own record).
      for (const bad of UNSTORABLE_STRINGS) {
        const claims = validRequestClaims(f.agreementId, 'X100001');
        for (const leaf of stringLeaves(claims)) {
          const jws = await requestJws(
            police.org,
            replaceAt({ ...claims, jti: `${String(claims.jti)}-${tried}` }, leaf, bad.splice) as Record<
              string,
              unknown
            >,
          );
          await check(
            `exchange JWS claim ${leaf} with ${bad.name}`,
            leaf.split(/[.[]/).pop()!,
            () => sendJws('/exchange-requests', police, jws),
            { logged: 'exchange.reject' },
          );
        }
        const jws = await requestJws(
          police.org,
          { ...claims, jti: `${String(claims.jti)}-kid-${tried}` },
          { kid: bad.splice(police.org.key.kid) },
        );
        await check(
          `exchange JWS header kid with ${bad.name}`,
          'kid',
          () => sendJws('/exchange-requests', police, jws),
          { logged: 'exchange.reject' },
        );
        const sig = await signBytes(doc.text, { privateKey: nps.org.key.privateKey, kid: bad.splice(nps.org.key.kid) });
        await check(`agreement signature kid with ${bad.name}`, 'kid', () =>
          signedJson('POST', `/agreements/${f.agreementId}/signatures`, nps, Buffer.from(JSON.stringify({ jws: sig }))),
        );
      }

      // The IG console's review note (a console route, outside /docs-json).
      const signIn = await signedJson('POST', '/ig/session', nps, undefined);
      const cookie = String(signIn.headers['set-cookie']).split(';')[0];
      for (const bad of UNSTORABLE_STRINGS) {
        const payload = Buffer.from(
          JSON.stringify({ flagId: 'break_glass:1', note: bad.splice('Checked: justified') }),
        );
        await check(`console review note with ${bad.name}`, 'note', () =>
          send(
            'POST',
            '/ig/api/flags/reviews',
            { cookie, 'x-ig-console': '1', 'content-type': 'application/json' },
            payload,
          ),
        );
      }

      tally.stringInputs = tried;
      expect(failures).toEqual([]);
      expect(missing).toEqual([]);
    },
    scale(240_000, 900_000),
  );

  const sendJws = async (url: string, p: (typeof principals)[number], jws: string) => {
    const token = await gw.token('POST', url, { org: p.org, roles: p.roles, attrs: p.attrs, reason: p.reason }, jws);
    return send(
      'POST',
      url,
      { authorization: `Bearer ${token}`, 'content-type': 'application/jose' },
      Buffer.from(jws),
    );
  };
});
