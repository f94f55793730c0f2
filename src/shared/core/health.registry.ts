import { Injectable } from '@nestjs/common';

export interface HealthCheckResult {
  status: 'up' | 'down';
  latencyMs: number;
  detail?: string;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, HealthCheckResult>;
}

/**
 * Modules register what must work for the gateway to serve (the database, the access log);
 * `/health` runs them all with a time limit.
 *
 * Calls that arrive while a run is in flight share it: a load balancer (or a benchmark) polling
 * /health many times at once costs one round of checks, not one each. The access-log check takes
 * the head row's lock, so one per caller queued behind each other and behind the log's own
 * batches, and /health served a few hundred answers a second.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<void>>();
  private inFlight: Promise<HealthReport> | undefined;

  register(name: string, check: () => Promise<void>): void {
    this.checks.set(name, check);
  }

  run(timeoutMs = 2000): Promise<HealthReport> {
    this.inFlight ??= this.runAll(timeoutMs).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async runAll(timeoutMs: number): Promise<HealthReport> {
    const results: Record<string, HealthCheckResult> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const t = performance.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
          ]);
          results[name] = { status: 'up', latencyMs: Math.round((performance.now() - t) * 10) / 10 };
        } catch (e) {
          results[name] = {
            status: 'down',
            latencyMs: Math.round(performance.now() - t),
            detail: e instanceof Error ? e.message.slice(0, 200) : 'failed',
          };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ok: Object.values(results).every((r) => r.status === 'up'), checks: results };
  }
}
