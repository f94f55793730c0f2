import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RightsResult } from '../case-rights.js';
import type { RectifyCaseDto } from './rectify-case.dto.js';

export class RectifyCaseCommand extends Command<RightsResult> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly input: RectifyCaseDto,
  ) {
    super();
  }
}
