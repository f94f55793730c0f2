import { Inject, Injectable } from '@nestjs/common';
import path from 'node:path';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { readPolicyFiles } from '@shared/crypto/policy-files-hash.js';
import { PolicyEvaluator } from './domain/evaluator.js';
import { PolicyFileError } from './domain/policy.js';
import { policySetOf } from './infrastructure/policy-loader.js';

/**
 * The policies of policies/*.yaml, loaded and validated once at start-up (a bad file stops the
 * gateway naming file and line), compiled into CASL abilities on first use per role set.
 */
@Injectable()
export class PolicyEngine extends PolicyEvaluator {
  /** The content hash of the loaded policy files, as every access-log entry names it. */
  readonly contentHash: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const loaded = readPolicyFilesOf(config.policiesDir);
    super(policySetOf(loaded.files, path.basename(config.policiesDir)));
    this.contentHash = loaded.hash;
  }
}

function readPolicyFilesOf(dir: string): ReturnType<typeof readPolicyFiles> {
  try {
    return readPolicyFiles(dir);
  } catch {
    throw new PolicyFileError(dir, 0, 'the policies folder cannot be read');
  }
}
