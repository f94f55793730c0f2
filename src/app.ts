import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@config/app.config.js';
import { registerRateLimit } from '@shared/auth/organisation-rate-limit.guard.js';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';
import { validationExceptionFactory } from '@shared/errors/validation.js';
import { GatewayValidationPipe } from '@shared/http/validation.pipe.js';
import { sendProblem, toProblem } from '@shared/http/problem.filter.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import { startMetricsListener, type MetricsListener } from '@shared/observability/metrics-listener.js';
import { requestContext, type RequestContext } from '@shared/observability/request-context.js';
import { Tracing, type RequestTrace } from '@shared/observability/tracing.js';
import { clientErrorHandler, transportRefusal } from '@shared/errors/client-error.js';
import { DomainException, ValidationException } from '@shared/errors/domain.exception.js';
import { exceedsJsonDepth, exceedsJsonSize, MAX_JSON_DEPTH, MAX_JSON_NODES } from '@shared/http/json-depth.js';
import { unstorableInput } from '@shared/http/request-text.js';
import { API_CSP, SECURITY_HEADERS } from '@shared/http/security-headers.js';
import { registerDocsAssets } from '@shared/core/docs-assets.js';
import { OrganisationBootstrap } from '@modules/organisations/index.js';
import { registerConsoleAssets } from '@modules/ig-console/index.js';
import { registerWebAssets } from '@modules/web/index.js';
import { acceptFormsOn, FORM } from '@shared/http/form-body.js';
import {
  consumesByRoute,
  queryRefusal,
  refusesMediaType,
  routesConsuming,
  routesTakingNoQuery,
} from '@shared/http/consumes.js';
import { AppModule } from './app.module.js';
import { createDataSource } from './data-source.js';
import { createOpenApiDocument } from './openapi.js';
import { retry } from './database.js';
import { withoutPreparedStatements } from '@shared/database/prepared.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface CreatedApp {
  app: NestFastifyApplication;
  logger: JsonLogger;
  signer: GatewaySigner;
  close(): Promise<void>;
}

/** Builds the whole gateway on an already migrated database. Used by main.ts and by the tests. */
export async function createApp(
  config: AppConfig,
  opts: { databaseUrl: string; logger?: JsonLogger; signer?: GatewaySigner },
): Promise<CreatedApp> {
  const logger = opts.logger ?? new JsonLogger(config.logLevel);
  const metrics = new Metrics();
  const tracing = Tracing.create({ otlpEndpoint: config.otlpEndpoint, serviceName: config.gatewayId });
  const signer =
    opts.signer ?? (await GatewaySigner.load({ privateJwk: config.gatewaySigningKey, dataDir: config.dataDir }));
  const dataSource = createDataSource(opts.databaseUrl, {
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    onPoolError: (e) => logger.warn(`database connection lost: ${e.message}`, 'Database'),
  });
  if (!config.dbPreparedStatements) withoutPreparedStatements(dataSource);
  await retry(() => dataSource.initialize(), 30_000, logger);

  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    // Node only enforces requestTimeout when set at construction with headersTimeout <= it, and
    // checks every connectionsCheckingInterval (30 s by default): without these a request whose
    // body dribbles in is never cut off.
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
      // A missing Host is refused with a problem document instead (see transportRefusal).
      requireHostHeader: false,
    },
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logger: false,
    // Router settings live here in Fastify 5 (top-level ones are deprecated, FSTDEP022).
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // Malformed or over-long URLs are refused by the router before Nest sees them.
    frameworkErrors: (err: Error, req: { id: string }, reply: unknown) =>
      sendProblem(reply as Parameters<typeof sendProblem>[0], toProblem(err, req.id, logger)),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { dataSource, logger, metrics, signer }),
    adapter,
    {
      logger,
      rawBody: true,
      bufferLogs: false,
    },
  );
  app.useBodyParser('application/jose', { bodyLimit: config.bodyLimitBytes });
  app.useGlobalPipes(
    new GatewayValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      stopAtFirstError: false,
      exceptionFactory: validationExceptionFactory,
      validationError: { target: false, value: false },
    }),
  );

  const fastify = app.getHttpAdapter().getInstance();
  await registerRateLimit(fastify, config);
  await fastify.register(fastifyCookie);
  await registerConsoleAssets(fastify);
  await registerDocsAssets(fastify);
  await registerWebAssets(fastify);
  fastify.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const t = tracing.startRequest(req.headers, `${req.method} ${route}`, {
      'http.request.method': req.method,
      'http.route': route,
    });
    (req as unknown as { trace: RequestTrace }).trace = t;
    const context: RequestContext = { requestId: req.id, traceId: t.traceId };
    requestContext.enterWith(context);
    (req as unknown as { context: RequestContext }).context = context;
    (req as unknown as { startedAt: number }).startedAt = performance.now();
    reply.header('x-request-id', req.id);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    // Nothing is stored by a browser or a shared cache unless its route says otherwise: a route
    // whose answer may be kept (checkpoints, tiles, the key set, static files) sets its own
    // cache-control, which replaces this default. Case data, log entries and requests never do.
    reply.header('cache-control', 'no-store');
    if (!req.url.startsWith('/docs') && !req.url.startsWith('/ig')) reply.header('content-security-policy', API_CSP);
    done();
  });
  // Filled once the controllers are known (after app.init, below): what each @Consumes route takes.
  let consumes = new Map<string, string[]>();
  let noQuery = new Set<string>();
  fastify.addHook('onRequest', async (req, reply) => {
    const route = `${req.method} ${req.routeOptions?.url ?? ''}`;
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const refusal =
      transportRefusal(req.headers, req.raw.httpVersion) ??
      (noQuery.has(route) ? queryRefusal(req.url) : null) ??
      (hasBody && refusesMediaType(consumes, route, req.headers['content-type'])
        ? new DomainException(
            'unsupported_media_type',
            'unsupported_media_type',
            `This route accepts ${(consumes.get(route) ?? []).join(' or ')} bodies.`,
          )
        : null);
    if (!refusal) return;
    sendProblem(reply, toProblem(refusal, req.id, logger));
    return reply;
  });
  // The validation pipe recurses into bodies: a deeply nested one must be a 400, not a stack overflow (500).
  fastify.addHook('preValidation', async (req, reply) => {
    const tooDeep = exceedsJsonDepth(req.body);
    if (!tooDeep && !exceedsJsonSize(req.body)) return;
    const message = tooDeep
      ? `must not nest deeper than ${MAX_JSON_DEPTH} levels`
      : `must not hold more than ${MAX_JSON_NODES} values`;
    sendProblem(reply, toProblem(new ValidationException([{ field: 'body', message }]), req.id, logger));
    return reply;
  });
  // Text PostgreSQL refuses (NUL, lone surrogates) or that is not UTF-8 at all is refused here, for
  // every route, before any guard, handler or log entry runs (see storable-text.ts).
  fastify.addHook('preValidation', async (req, reply) => {
    const bad = unstorableInput(req);
    if (!bad) return;
    sendProblem(
      reply,
      toProblem(
        new ValidationException([bad], `The request holds text that cannot be accepted: ${bad.field}.`),
        req.id,
        logger,
      ),
    );
    return reply;
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    // Work the request started and left running (a loop, a timer) keeps its context: from now on
    // it reads shared state for itself rather than trust what the request's claim read.
    const context = (req as unknown as { context?: RequestContext }).context;
    if (context) {
      context.counters = undefined;
      context.rows = undefined;
    }
    const route = req.routeOptions?.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const seconds = (performance.now() - (req as unknown as { startedAt: number }).startedAt) / 1000;
    const t = (req as unknown as { trace?: RequestTrace }).trace;
    if (t) tracing.endRequest(t, reply.statusCode);
    metrics.httpRequests.inc({ method: req.method, route, status });
    metrics.httpDuration.observe({ method: req.method, route, status }, seconds);
    const principal = (req as unknown as { principal?: { org: string; sub: string } }).principal;
    // The route pattern, never the URL: paths and queries can hold CRNs. Written here rather than by
    // pino-http, which sees only Node's raw request (its URL, no route pattern, no principal).
    logger.event(reply.statusCode >= 500 ? 'warn' : 'info', 'request', {
      requestId: req.id,
      traceId: t?.traceId,
      method: req.method,
      route,
      status: reply.statusCode,
      ms: Math.round(seconds * 10000) / 10,
      org: principal?.org,
      actor: principal?.sub,
    });
    done();
  });

  // The UI page is DocsController's; Swagger serves only the JSON here.
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
    swaggerUiEnabled: false,
  });

  await app.init();
  consumes = consumesByRoute(app);
  noQuery = routesTakingNoQuery(app);
  // Only JSON (and application/jose where a route says so) is accepted: other bodies are 415.
  fastify.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  // ... but the pages' forms post form bodies, as does an identity provider's back-channel
  // logout: on the routes whose handlers say @Consumes(FORM), and no others.
  acceptFormsOn(fastify, routesConsuming(app, FORM), config.bodyLimitBytes);
  await fastify.ready();
  await app.get(OrganisationBootstrap).ensureOperator(config.bootstrapAdminJwks, { warnIfKeyless: !config.demo });
  let metricsListener: MetricsListener | undefined;
  if (config.metricsPort > 0) {
    metricsListener = await startMetricsListener(metrics, { port: config.metricsPort, host: config.metricsHost });
    logger.log(
      `metrics for scraping (no signed request) on http://${config.metricsHost}:${metricsListener.port}/metrics`,
      'Main',
    );
  }

  return {
    app,
    logger,
    signer,
    async close() {
      await metricsListener?.close();
      await app.close();
      await tracing.shutdown();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
