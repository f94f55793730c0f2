import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { PersonKeyStatus } from '../../domain/person-key.js';

export type PersonKeyDecision = 'approve' | 'revoke';

/** Approves a pending personal key of `orgId`, or revokes one; answers the key's new state. */
export class DecidePersonKeyCommand extends Command<{ kid: string; status: PersonKeyStatus }> {
  constructor(
    readonly principal: Principal,
    readonly orgId: string,
    readonly kid: string,
    readonly decision: PersonKeyDecision,
  ) {
    super();
  }
}
