import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AccessLogProofs, type ConsistencyProof } from '../../application/access-log.proofs.js';
import { GetConsistencyProofQuery } from './get-consistency-proof.query.js';

@QueryHandler(GetConsistencyProofQuery)
export class GetConsistencyProofHandler implements IQueryHandler<GetConsistencyProofQuery> {
  constructor(private readonly proofs: AccessLogProofs) {}

  execute(q: GetConsistencyProofQuery): Promise<ConsistencyProof> {
    return this.proofs.consistency(q.from, q.to);
  }
}
