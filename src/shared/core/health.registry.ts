import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  detail?: string;
}

/**
 * Modules register what must work for the gateway to serve (the database, the access log);
 * `/health` runs them all with a time limit.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<void>>();

  register(name: string, check: () => Promise<void>): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<{ ok: boolean; checks: Record<string, HealthCheckResult> }> {
    const results: Record<string, HealthCheckResult> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const t = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs)))]);
          results[name] = { status: 'up', latencyMs: Math.round((performance.now() - t) * 10) / 10 };
        } catch (e) {
          results[name] = { status: 'down', latencyMs: Math.round(performance.now() - t), detail: e instanceof Error ? e.message.slice(0, 200) : 'failed' };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ok: Object.values(results).every((r) => r.status === 'up'), checks: results };
  }
}
