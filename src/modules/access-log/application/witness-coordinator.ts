import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Counter } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { scheduleEvery, unschedule } from '@shared/core/periodic.js';
import { JsonLogger } from '@shared/observability/json-logger.js';
import { Metrics } from '@shared/observability/metrics.js';
import type { SignedCheckpoint } from '../domain/checkpoint.js';
import { cosignatureTimestamp, NoteError, parseSignatureLine } from '../domain/note/index.js';
import { WitnessStore, type WitnessAlert } from '../domain/witness-store.port.js';
import { AccessLogProofs } from './access-log.proofs.js';
import { CheckpointService } from './checkpoint.service.js';
import { LogNotes, type ConfiguredWitness } from './log-notes.js';

const WITNESS_JOB = 'access-log.witnessing';

/** The outcome of one add-checkpoint exchange with a witness. */
export type WitnessResult =
  'cosigned' | 'conflict' | 'inconsistent' | 'refused' | 'unreachable' | 'bad_response' | 'ahead';

export interface WitnessStatus {
  name: string;
  url: string;
  key: string;
  lastCosignedSize: number | null;
  lastResult: WitnessResult | null;
  lastAttemptAt: string | null;
}

/**
 * Sends each new checkpoint to the configured witnesses (C2SP tlog-witness add-checkpoint) with
 * the consistency proof from the size each last cosigned, and stores the cosignatures that
 * verify. Submissions from this process are serialised, so it never races itself for a
 * witness's old size; another instance's race ends in a 409 naming the witness's size, retried once.
 *
 * A witness answering 422 (the checkpoint is inconsistent with one it cosigned) or claiming a
 * larger tree than the log holds is the evidence a fork or a rolled-back database leaves: it is
 * stored as an alert, counted in gateway_log_witness_alerts_total and logged as an error.
 */
@Injectable()
export class WitnessCoordinator implements OnApplicationBootstrap, OnModuleDestroy {
  private queue: Promise<unknown> = Promise.resolve();
  /** Alerts already stored by this process, so a witness refusing every tick adds one row, not one per tick. */
  private readonly alerted = new Set<string>();
  private readonly last = new Map<string, { result: WitnessResult; at: Date }>();
  private readonly requests: Counter<'witness' | 'result'>;
  private readonly alertsTotal: Counter<'witness' | 'reason'>;

  constructor(
    private readonly notes: LogNotes,
    private readonly checkpoints: CheckpointService,
    private readonly proofs: AccessLogProofs,
    private readonly repo: WitnessStore,
    private readonly logger: JsonLogger,
    metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.requests = new Counter({
      name: 'gateway_log_witness_requests_total',
      help: 'add-checkpoint requests to witnesses by outcome',
      labelNames: ['witness', 'result'] as const,
      registers: [metrics.registry],
    });
    this.alertsTotal = new Counter({
      name: 'gateway_log_witness_alerts_total',
      help: 'Witnesses refusing a checkpoint as inconsistent with one they cosigned, or ahead of the log: a possible fork',
      labelNames: ['witness', 'reason'] as const,
      registers: [metrics.registry],
    });
  }

  /** Every CHECKPOINT_INTERVAL_MS the latest checkpoint goes to the witnesses that lack it (also retrying those that were down). */
  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    scheduleEvery(this.scheduler, WITNESS_JOB, this.config.checkpointIntervalMs, () => {
      this.cosignLatest().catch((e: Error) => this.logger.warn(`witnessing failed: ${e.message}`, 'AccessLog'));
    });
  }

  async onModuleDestroy(): Promise<void> {
    unschedule(this.scheduler, WITNESS_JOB);
    await this.queue;
  }

  get enabled(): boolean {
    return this.notes.witnesses.length > 0;
  }

  /** Asks every witness that has not cosigned the latest checkpoint to cosign it; resolves when all have answered. */
  cosignLatest(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const run = this.queue.then(() => this.submitLatest());
    this.queue = run.catch(() => undefined);
    return run;
  }

  async status(): Promise<{ origin: string; quorum: number; witnesses: WitnessStatus[]; alerts: WitnessAlert[] }> {
    const sizes = await this.repo.lastCosignedSizes();
    return {
      origin: this.notes.origin,
      quorum: this.notes.quorum,
      witnesses: this.notes.witnesses.map((w) => ({
        name: w.name,
        url: w.url,
        key: w.vkey,
        lastCosignedSize: sizes.get(w.name) ?? null,
        lastResult: this.last.get(w.name)?.result ?? null,
        lastAttemptAt: this.last.get(w.name)?.at.toISOString() ?? null,
      })),
      alerts: await this.repo.alerts(50),
    };
  }

  private async submitLatest(): Promise<void> {
    const cp = await this.checkpoints.latest();
    if (cp.treeSize === 0) return;
    const have = new Set((await this.repo.cosignaturesAt(cp.treeSize)).map((c) => c.witness));
    const sizes = await this.repo.lastCosignedSizes();
    await Promise.all(
      this.notes.witnesses.filter((w) => !have.has(w.name)).map((w) => this.submit(w, cp, sizes.get(w.name) ?? 0)),
    );
  }

  private async submit(w: ConfiguredWitness, cp: SignedCheckpoint, oldSize: number, retried = false): Promise<void> {
    if (oldSize > cp.treeSize) {
      return this.alert(w, cp, 0, 'ahead', `the witness cosigned ${oldSize} entries, the log now has ${cp.treeSize}`);
    }
    const proof = oldSize === 0 ? [] : (await this.proofs.consistency(oldSize, cp.treeSize)).proof;
    const body = `old ${oldSize}\n${proof.map((h) => h + '\n').join('')}\n${this.notes.signed(cp)}`;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${w.url}/add-checkpoint`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(this.config.witnessTimeoutMs),
      });
      status = res.status;
      text = await readAtMost(res, MAX_ANSWER_BYTES);
    } catch (e) {
      return this.record(w, 'unreachable', `${(e as Error).message}`);
    }
    if (status === 200) return this.accept(w, cp, text);
    if (status === 409) {
      const theirs = /^(0|[1-9][0-9]*)\n$/.test(text) ? Number(text.trim()) : NaN;
      if (!Number.isSafeInteger(theirs)) return this.record(w, 'bad_response', `409 without a tree size`);
      if (theirs > cp.treeSize)
        return this.alert(
          w,
          cp,
          status,
          'ahead',
          `the witness has cosigned ${theirs} entries, the log has ${cp.treeSize}`,
        );
      if (retried || theirs === oldSize) return this.record(w, 'conflict', `the witness's size is ${theirs}`);
      return this.submit(w, cp, theirs, true);
    }
    if (status === 422)
      return this.alert(
        w,
        cp,
        status,
        'inconsistent',
        `the witness refused ${cp.treeSize} as inconsistent with size ${oldSize}: ${text.slice(0, 200)}`,
      );
    if (status === 403 || status === 404)
      return this.record(w, 'refused', `${status}: the witness does not accept this log's key or origin`);
    return this.record(w, 'bad_response', `HTTP ${status}`);
  }

  private async accept(w: ConfiguredWitness, cp: SignedCheckpoint, body: string): Promise<void> {
    const text = this.notes.text(cp);
    for (const line of body.split('\n').filter(Boolean)) {
      try {
        const sig = parseSignatureLine(line);
        // Lines of other keys are ignored, as the protocol requires; ours must verify.
        if (sig.name !== w.verifier.name || sig.id !== w.verifier.id) continue;
        if (!w.verifier.verify(text, sig.signature))
          return this.record(w, 'bad_response', 'a cosignature that does not verify');
        const t = cosignatureTimestamp(sig.signature) as number;
        // The witness's clock, as it signed: a time no date holds, or more than a day ahead of
        // ours, is a bad answer (it would not even store), not a cosignature.
        if (!(t * 1000 <= Date.now() + MAX_WITNESS_CLOCK_AHEAD_MS))
          return this.record(w, 'bad_response', `a cosignature timestamp ${t} far ahead of the gateway's clock`);
        await this.repo.addCosignature({
          treeSize: cp.treeSize,
          witness: w.name,
          line,
          cosignedAt: new Date(t * 1000),
        });
        return this.record(w, 'cosigned');
      } catch (e) {
        if (e instanceof NoteError) return this.record(w, 'bad_response', e.message);
        throw e;
      }
    }
    return this.record(w, 'bad_response', 'no cosignature by the configured key');
  }

  private record(w: ConfiguredWitness, result: WitnessResult, detail?: string): void {
    this.last.set(w.name, { result, at: new Date() });
    this.requests.inc({ witness: w.name, result });
    if (result !== 'cosigned')
      this.logger.warn(`witness ${w.name}: ${result}${detail ? ` (${detail})` : ''}`, 'AccessLog');
  }

  private async alert(
    w: ConfiguredWitness,
    cp: SignedCheckpoint,
    status: number,
    reason: 'inconsistent' | 'ahead',
    detail: string,
  ): Promise<void> {
    this.last.set(w.name, { result: reason, at: new Date() });
    this.requests.inc({ witness: w.name, result: reason });
    this.alertsTotal.inc({ witness: w.name, reason });
    const key = `${w.name}/${cp.treeSize}/${reason}`;
    if (this.alerted.has(key)) return;
    this.alerted.add(key);
    this.logger.error(`possible fork of the access log: witness ${w.name} ${detail}`, undefined, 'AccessLog');
    await this.repo.addAlert({ witness: w.name, treeSize: cp.treeSize, status, reason, detail });
  }
}

/** A witness's answer is a few signature lines: more than this is not read (a 409's size, a 422's reason). */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_WITNESS_CLOCK_AHEAD_MS = 24 * 3600 * 1000;

/**
 * The first `max` bytes of a response body as text; the rest is never read (the connection is
 * dropped), so a witness streaming without end costs no more memory than that.
 */
async function readAtMost(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < max) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    chunks.push(value);
    bytes += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
