import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

/**
 * A signed-in person registers the public half of a key their browser made, for one of their
 * roles. The key waits for the organisation's approval. Answers the kid the gateway gave it.
 */
export class RegisterPersonKeyCommand extends Command<{ kid: string }> {
  constructor(
    readonly principal: Principal,
    readonly jwk: unknown,
    readonly role: string,
    /** The holder's display name, shown to the approver. */
    readonly name: string | null,
  ) {
    super();
  }
}
