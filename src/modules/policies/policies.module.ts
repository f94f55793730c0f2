import { Module } from '@nestjs/common';
import { PolicyVersionStore } from './infrastructure/policy-version.store.js';
import { PolicyEngine } from './policy-engine.js';
import { PolicyVersions } from './policy-versions.js';

@Module({
  providers: [PolicyEngine, PolicyVersionStore, PolicyVersions],
  exports: [PolicyEngine, PolicyVersions],
})
export class PoliciesModule {}
