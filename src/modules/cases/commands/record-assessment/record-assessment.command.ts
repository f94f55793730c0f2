import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RecordAssessmentDto } from './record-assessment.dto.js';

export class RecordAssessmentCommand extends Command<{
  created: boolean;
  escalated: boolean;
  accessLogIndex: number | null;
}> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly assessmentId: string,
    readonly input: RecordAssessmentDto,
  ) {
    super();
  }
}
