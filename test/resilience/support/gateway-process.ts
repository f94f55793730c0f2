import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, startNodeScript, type StartedProcess } from '../../../bench/lib/spawn.js';
import type { DedicatedPostgres } from './postgres.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the compiled gateway lives; `npm test` builds dist/ first. Overridable to run a patched copy. */
export const GATEWAY_SCRIPT = process.env.RESILIENCE_GATEWAY_SCRIPT ?? path.join(root, 'dist/src/main.js');

export interface GatewayOptions {
  dataDir: string;
  env?: Record<string, string>;
  name?: string;
  port?: number;
  /** The entry point to run, GATEWAY_SCRIPT unless given (e.g. the bundle, dist/bundle/main.js). */
  script?: string;
}

/**
 * One real gateway process (node dist/src/main.js) on a DedicatedPostgres, with the demo data set
 * (organisations, keys under DATA_DIR/demo-keys, signed agreements, synthetic cases). Several
 * can share the database and the DATA_DIR. It can be killed and started again on the same port.
 */
/** The database a gateway process runs on: a DedicatedPostgres, or a test database of the shared cluster. */
export type GatewayDatabase = Pick<DedicatedPostgres, 'appUrl' | 'ownerUrl'>;

export class GatewayProcess {
  private proc: StartedProcess | null = null;
  restarts = 0;

  private constructor(
    private readonly pg: GatewayDatabase,
    private readonly opts: GatewayOptions,
    readonly port: number,
  ) {}

  static async start(pg: GatewayDatabase, opts: GatewayOptions): Promise<GatewayProcess> {
    const g = new GatewayProcess(pg, opts, opts.port ?? (await getFreePort()));
    await g.boot();
    return g;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get alive(): boolean {
    if (!this.proc || this.proc.exited) return false;
    try {
      process.kill(this.proc.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  output(): string {
    return this.proc?.output() ?? '';
  }

  private async boot(): Promise<void> {
    this.proc = await startNodeScript({
      script: this.opts.script ?? GATEWAY_SCRIPT,
      cwd: root,
      env: {
        DATABASE_URL: this.pg.appUrl,
        MIGRATION_DATABASE_URL: this.pg.ownerUrl,
        DATA_DIR: this.opts.dataDir,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DEMO: 'true',
        DEMO_CASES: '150',
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_SECOND: '1000000',
        RATE_LIMIT_BURST: '1000000',
        CHECKPOINT_INTERVAL_MS: '2000',
        NODE_ENV: 'production',
        ...this.opts.env,
      },
      readyUrl: `${this.baseUrl}/health`,
      readyTimeoutMs: 90_000,
      pollIntervalMs: 50,
      name: this.opts.name ?? 'gateway',
    });
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests and batches are cut. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exited) return;
    const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
    p.child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    this.restarts++;
    await this.boot();
  }

  /**
   * SIGTERM (SIGKILL after 25 s, beyond the 20 s after which the gateway ends itself with exit 1
   * when its drain has not finished, so a slow stop is told apart from a hung one); how the
   * process ended, or undefined when it was never started.
   */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    return this.proc ? this.proc.stop(25_000) : Promise.resolve(undefined);
  }
}
