import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogProofs, type InclusionProof } from '../../application/access-log.proofs.js';
import { GetInclusionProofQuery } from './get-inclusion-proof.query.js';

@QueryHandler(GetInclusionProofQuery)
export class GetInclusionProofHandler implements IQueryHandler<GetInclusionProofQuery> {
  constructor(private readonly proofs: AccessLogProofs) {}

  execute(q: GetInclusionProofQuery): Promise<InclusionProof> {
    return this.proofs.inclusion(q.index, q.treeSize);
  }
}
