import { Query } from '@nestjs/cqrs';
import type { SignedCheckpoint } from '../../domain/checkpoint.js';

/** The checkpoint of one tree size, or the newest when treeSize is undefined. */
export class GetCheckpointQuery extends Query<SignedCheckpoint> {
  constructor(readonly treeSize?: number) {
    super();
  }
}
