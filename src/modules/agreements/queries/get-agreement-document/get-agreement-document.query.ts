import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

/** The canonical document of the current version, or of `version` when given. */
export class GetAgreementDocumentQuery extends Query<{ version: number; document: string; sha256: string }> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
    readonly version?: number,
  ) {
    super();
  }
}
