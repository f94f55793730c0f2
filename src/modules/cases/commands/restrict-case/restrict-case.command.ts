import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RightsResult } from '../case-rights.js';

/** Restricts processing of a case (`reason` set) or lifts the restriction (`reason` null). */
export class RestrictCaseCommand extends Command<RightsResult & { restricted: boolean }> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
