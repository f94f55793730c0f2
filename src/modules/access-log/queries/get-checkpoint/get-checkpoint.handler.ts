import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CheckpointService } from '../../application/checkpoint.service.js';
import { AccessLogException, AccessLogExceptionCode } from '../../domain/access-log.exception.js';
import type { SignedCheckpoint } from '../../domain/checkpoint.js';
import { GetCheckpointQuery } from './get-checkpoint.query.js';

@QueryHandler(GetCheckpointQuery)
export class GetCheckpointHandler implements IQueryHandler<GetCheckpointQuery> {
  constructor(private readonly checkpoints: CheckpointService) {}

  async execute(q: GetCheckpointQuery): Promise<SignedCheckpoint> {
    if (q.treeSize === undefined) return this.checkpoints.latest();
    const found = await this.checkpoints.at(q.treeSize);
    if (!found)
      throw new AccessLogException(
        AccessLogExceptionCode.CheckpointNotFound,
        `No checkpoint was made at tree size ${q.treeSize}.`,
      );
    return found;
  }
}
