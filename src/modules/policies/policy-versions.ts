import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { hashPolicyFiles, readPolicyFiles } from '@shared/crypto/policy-files-hash.js';
import { PolicyEvaluator } from './domain/evaluator.js';
import { PolicyVersionStore } from './infrastructure/policy-version.store.js';
import { policySetOf } from './infrastructure/policy-loader.js';
import { PolicyEngine } from './policy-engine.js';

/** Past versions kept compiled; more are loaded again from the table when asked for. */
const KEEP = 16;

/**
 * Every policy version the gateway ran with, by the content hash access-log entries name: the
 * version in force is stored at start-up (before the gateway answers anything), and any stored
 * one can be evaluated again, so a past decision can be replayed with the policies that made it.
 */
@Injectable()
export class PolicyVersions implements OnModuleInit {
  private readonly past = new Map<string, PolicyEvaluator>();

  constructor(
    private readonly engine: PolicyEngine,
    private readonly store: PolicyVersionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.save(readPolicyFiles(this.config.policiesDir));
  }

  /** The evaluator of the policy version with this content hash, or null when none was ever in force here. */
  async at(hash: string): Promise<PolicyEvaluator | null> {
    if (hash === this.engine.contentHash) return this.engine;
    const known = this.past.get(hash);
    if (known) return known;
    const files = await this.store.find(hash);
    if (!files) return null;
    // The table is append-only; a row whose bytes no longer hash to its key was altered outside the gateway.
    if (hashPolicyFiles(files) !== hash) throw new Error(`stored policy version ${hash} does not match its content hash`);
    const evaluator = new PolicyEvaluator(policySetOf(files, `policy-version ${hash.slice(7, 19)}`));
    if (this.past.size >= KEEP) this.past.delete(this.past.keys().next().value as string);
    this.past.set(hash, evaluator);
    return evaluator;
  }
}
