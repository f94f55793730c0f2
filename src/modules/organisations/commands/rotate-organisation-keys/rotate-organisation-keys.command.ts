import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export class RotateOrganisationKeysCommand extends Command<{ added: string[]; revoked: string[] }> {
  constructor(
    readonly principal: Principal,
    readonly orgId: string,
    readonly keys: Record<string, unknown>[],
  ) {
    super();
  }
}
