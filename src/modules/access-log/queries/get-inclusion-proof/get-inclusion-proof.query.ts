import { Query } from '@nestjs/cqrs';
import type { InclusionProof } from '../../application/access-log.proofs.js';

export class GetInclusionProofQuery extends Query<InclusionProof> {
  constructor(
    readonly index: number,
    readonly treeSize: number,
  ) {
    super();
  }
}
