import { Module } from '@nestjs/common';
import { PolicyEngine } from './policy-engine.js';

@Module({ providers: [PolicyEngine], exports: [PolicyEngine] })
export class PoliciesModule {}
