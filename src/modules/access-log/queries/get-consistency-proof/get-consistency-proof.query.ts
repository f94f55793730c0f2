import { Query } from '@nestjs/cqrs';
import type { ConsistencyProof } from '../../application/access-log.proofs.js';

export class GetConsistencyProofQuery extends Query<ConsistencyProof> {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super();
  }
}
