import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export interface EscalationResponse {
  crn: string;
  managingOrg: string;
  raisedAt: string;
  reason: string;
  assessmentId: string;
  pendingTransfer: { id: string; toOrg: string } | null;
}

export class ListEscalationsQuery extends Query<EscalationResponse[]> {
  constructor(readonly principal: Principal) {
    super();
  }
}
