import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { PolicyEvaluator } from './domain/evaluator.js';
import { loadPolicies } from './infrastructure/policy-loader.js';

/**
 * The policies of policies/*.yaml, loaded and validated once at start-up (a bad file stops the
 * gateway naming file and line), compiled into CASL abilities on first use per role set.
 */
@Injectable()
export class PolicyEngine extends PolicyEvaluator {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(loadPolicies(config.policiesDir));
  }
}
