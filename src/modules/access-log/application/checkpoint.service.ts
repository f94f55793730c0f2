import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { CHECKPOINT_TYPE, checkpointPayload, type SignedCheckpoint } from '../domain/checkpoint.js';
import { frontierFromJson, rootFromFrontier } from '../domain/merkle/index.js';

interface CheckpointRow {
  tree_size: string;
  root_hash: Buffer;
  timestamp: Date;
  jws: string;
}

const CHECKPOINT_JOB = 'access-log.checkpoint';

const COLUMNS = `tree_size, root_hash, "timestamp", jws`;

/**
 * Signed tree heads: made on a schedule (CHECKPOINT_INTERVAL_MS, only when the log grew) and on
 * demand, and all kept so that consistency between any two can be proved. Several instances may
 * sign the same size at once; the first insert wins and the others serve it.
 */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly signer: GatewaySigner,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    scheduleEvery(this.scheduler, CHECKPOINT_JOB, this.config.checkpointIntervalMs, () => {
      if (this.running) return;
      this.running = this.checkpointIfGrown()
        .catch((e: Error) => this.logger.warn(`access-log checkpoint failed: ${e.message}`, 'AccessLog'))
        .finally(() => (this.running = undefined));
    });
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, CHECKPOINT_JOB);
    await this.running;
  }

  /** The newest checkpoint, signing the first one if there is none yet. */
  async latest(): Promise<SignedCheckpoint> {
    return (await this.atMost(Number.MAX_SAFE_INTEGER)) ?? this.checkpoint();
  }

  /** The newest checkpoint of at most `treeSize` entries, if one was made. */
  async atMost(treeSize: number): Promise<SignedCheckpoint | null> {
    const rows: CheckpointRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM access_log_checkpoints WHERE tree_size <= $1 ORDER BY tree_size DESC LIMIT 1`,
      [treeSize],
    );
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  /** The checkpoint of exactly `treeSize`, if one was made. */
  async at(treeSize: number): Promise<SignedCheckpoint | null> {
    const rows: CheckpointRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM access_log_checkpoints WHERE tree_size = $1`,
      [treeSize],
    );
    return rows.length ? toCheckpoint(rows[0]) : null;
  }

  /**
   * A checkpoint of the log as it is now: the existing one when the log has not grown since,
   * otherwise a new one. The root comes from the head's frontier, so no node is read.
   */
  async checkpoint(): Promise<SignedCheckpoint> {
    return this.sign(await this.head());
  }

  /** What the schedule makes: like checkpoint(), but the empty log is not signed. */
  async checkpointIfGrown(): Promise<SignedCheckpoint | null> {
    const head = await this.head();
    return head.size === 0 ? null : this.sign(head);
  }

  private async head(): Promise<{ size: number; frontier: unknown }> {
    const [row] = await this.db.query<{ size: string; frontier: unknown }[]>(
      `SELECT size, frontier FROM access_log_head WHERE id = 1`,
    );
    return { size: Number(row.size), frontier: row.frontier };
  }

  private async sign({ size, frontier }: { size: number; frontier: unknown }): Promise<SignedCheckpoint> {
    const existing = await this.at(size);
    if (existing) return existing;
    const body = {
      treeSize: size,
      rootHash: rootFromFrontier(frontierFromJson(frontier)).toString('base64'),
      timestamp: new Date().toISOString(),
    };
    const jws = await this.signer.sign(checkpointPayload(body), CHECKPOINT_TYPE);
    await this.db.query(
      `INSERT INTO access_log_checkpoints (${COLUMNS}) VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING`,
      [size, Buffer.from(body.rootHash, 'base64'), body.timestamp, jws],
    );
    // Another instance may have signed this size first: serve the stored one, not ours.
    return (await this.at(size)) ?? { ...body, jws };
  }
}

function toCheckpoint(r: CheckpointRow): SignedCheckpoint {
  return {
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash.toString('base64'),
    timestamp: r.timestamp.toISOString(),
    jws: r.jws,
  };
}
