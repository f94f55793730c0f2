import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { UpsertCaseDto } from './upsert-case.dto.js';

export class UpsertCaseCommand extends Command<{ created: boolean; accessLogIndex: number | null }> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly input: UpsertCaseDto,
  ) {
    super();
  }
}
