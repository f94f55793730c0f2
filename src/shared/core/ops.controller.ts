import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@shared/auth/decorators.js';
import { problemType } from '@shared/errors/problem-mapping.js';
import { ApiSignedRoute, PROBLEM_SCHEMA } from '@shared/http/api-problems.js';
import { Metrics } from '@shared/observability/metrics.js';
import { GatewayKeysService } from './gateway-keys.service.js';
import { HealthRegistry } from './health.registry.js';

interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): unknown;
}

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
  @ApiOperation({ summary: 'Liveness and readiness: 200 when the database and the access log are writable, 503 otherwise' })
  @ApiOkResponse({ description: '{ status: "ok", checks }' })
  @ApiResponse({ status: 503, description: 'A dependency is unavailable (problem+json with the checks)', content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } })
  async getHealth(@Res() reply: Reply): Promise<void> {
    const { ok, checks } = await this.health.run();
    this.metrics.dbUp.set(checks.database?.status === 'up' ? 1 : 0);
    reply.header('cache-control', 'no-store');
    if (ok) {
      reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ status: 'ok', checks }));
      return;
    }
    reply
      .status(503)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('retry-after', '5')
      .send(JSON.stringify({ type: problemType('unhealthy'), title: 'Service unavailable', status: 503, detail: 'A dependency of the gateway is unavailable.', checks }));
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
