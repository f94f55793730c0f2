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
 * Every answer comes from checks that started after its caller asked: an answer never reports a
 * database that was reachable before the question and is gone now. Callers still share rounds: the
 * first caller starts one; callers arriving while it is in flight share the one round that starts
 * when it ends. A load balancer (or a benchmark) polling /health many times at once costs at most
 * two rounds, not one each. (The access-log check takes the head row's lock, so one per caller
 * queued behind each other and behind the log's own batches, and /health served a few hundred
 * answers a second.)
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<void>>();
  private inFlight: Promise<HealthReport> | undefined;
  /** The round that starts when `inFlight` ends, shared by everyone who asked while it ran. */
  private queued: Promise<HealthReport> | undefined;

  register(name: string, check: () => Promise<void>): void {
    this.checks.set(name, check);
  }

  run(timeoutMs = 2000): Promise<HealthReport> {
    if (!this.inFlight) return this.start(timeoutMs);
    this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return this.start(timeoutMs);
    });
    return this.queued;
  }

  private start(timeoutMs: number): Promise<HealthReport> {
    const round = this.runAll(timeoutMs).finally(() => {
      if (this.inFlight === round) this.inFlight = undefined;
    });
    this.inFlight = round;
    return round;
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
