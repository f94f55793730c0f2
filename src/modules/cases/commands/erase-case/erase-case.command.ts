import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RightsResult } from '../case-rights.js';
import type { EraseCaseDto } from './erase-case.dto.js';

export class EraseCaseCommand extends Command<RightsResult> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly input: EraseCaseDto,
  ) {
    super();
  }
}
