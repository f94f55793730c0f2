import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@shared/auth/decorators.js';
import { problemType } from '@shared/errors/problem-mapping.js';
import { ApiPublicRoute, ApiSignedRoute, PROBLEM_SCHEMA } from '@shared/http/api-problems.js';
import { Metrics } from '@shared/observability/metrics.js';
import { GatewayKeysService } from './gateway-keys.service.js';
import { HealthRegistry } from './health.registry.js';

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

const CHECKS_SCHEMA = {
  type: 'object',
  description: 'One entry per dependency checked (database, access log)',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};
const HEALTH_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: { status: { type: 'string', enum: ['ok'] }, checks: CHECKS_SCHEMA },
};
const JWKS_SCHEMA = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
};

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    private readonly keys: GatewayKeysService,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({
    summary: 'Liveness and readiness: 200 when the database and the access log are writable, 503 otherwise',
  })
  @ApiOkResponse({ description: 'The database and the access log are writable', schema: HEALTH_SCHEMA })
  @ApiResponse({
    status: 503,
    description: 'A dependency is unavailable (problem+json with the checks)',
    content: {
      'application/problem+json': {
        schema: { allOf: [PROBLEM_SCHEMA, { type: 'object', properties: { checks: CHECKS_SCHEMA } }] },
      },
    },
  })
  @ApiPublicRoute()
  async getHealth(@Res() reply: Reply): Promise<void> {
    const { ok, checks } = await this.health.run();
    this.metrics.dbUp.set(checks.database?.status === 'up' ? 1 : 0);
    reply.header('cache-control', 'no-store');
    if (ok) {
      reply
        .status(200)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ status: 'ok', checks }));
      return;
    }
    reply
      .status(503)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('retry-after', '5')
      .send(
        JSON.stringify({
          type: problemType('unhealthy'),
          title: 'Service unavailable',
          status: 503,
          detail: 'A dependency of the gateway is unavailable.',
          checks,
        }),
      );
  }

  @Roles('gateway-admin')
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (gateway-admin)' })
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiSignedRoute(403)
  async getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Public()
  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: "The gateway's public signing keys (checkpoints, response bundles)" })
  @ApiOkResponse({ description: 'A JWK Set (RFC 7517)', schema: JWKS_SCHEMA })
  @ApiPublicRoute()
  async getJwks(): Promise<{ keys: Record<string, unknown>[] }> {
    return this.keys.jwks();
  }

  @Public()
  @Get('favicon.ico')
  @ApiExcludeEndpoint()
  favicon(@Res() reply: Reply): void {
    reply.status(204).send('');
  }
}
