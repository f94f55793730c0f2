import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { policyFilesHash } from '@shared/crypto/policy-files-hash.js';
import { PolicyEvaluator } from './domain/evaluator.js';
import { loadPolicies } from './infrastructure/policy-loader.js';

/**
 * The policies of policies/*.yaml, loaded and validated once at start-up (a bad file stops the
 * gateway naming file and line), compiled into CASL abilities on first use per role set.
 */
@Injectable()
export class PolicyEngine extends PolicyEvaluator {
  /** The content hash of the loaded policy files, as every access-log entry names it. */
  readonly contentHash: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(loadPolicies(config.policiesDir));
    this.contentHash = policyFilesHash(config.policiesDir);
  }
}
