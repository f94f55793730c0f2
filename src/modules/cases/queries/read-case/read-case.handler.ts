import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { logActor } from '@shared/auth/principal.js';
import { hiddenReasons } from '@modules/access-log/index.js';
import type { ReadDecision } from '@modules/policies/index.js';
import { CaseAccess } from '../../case-access.service.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { project } from '../../domain/projection.js';
import { ReadCaseQuery, type ReadCaseResult, type WithheldBecause } from './read-case.query.js';

/**
 * GET /cases/{crn} and /cases/{crn}/summary. Order matters: decide, append the log entry and
 * wait until it is durable, and only then build the body. If the log cannot be written the
 * append throws (503) and nothing is released.
 */
@QueryHandler(ReadCaseQuery)
export class ReadCaseHandler implements IQueryHandler<ReadCaseQuery, ReadCaseResult> {
  constructor(private readonly access: CaseAccess) {}

  async execute({ principal: p, crn, purpose, view, explainWithheld }: ReadCaseQuery): Promise<ReadCaseResult> {
    if (!p.reason) {
      throw new CaseException(
        CaseExceptionCode.ReasonRequired,
        'A reason (the token claim "reason") is required to read case data.',
        [{ field: 'reason', message: 'is required on every read of case data' }],
      );
    }
    const actor = await this.access.actorFacts(p);
    const { decision, record, assessment } = await this.access.decide(actor, crn, purpose, view);
    const allowed = decision.outcome === 'allow' && record !== null;
    const receipt = await this.access.log.append({
      actor: logActor(p),
      action: view === 'summary' ? 'case.summary' : 'case.read',
      resource: { type: view === 'summary' ? 'case-summary' : 'case', id: crn },
      crn,
      purpose,
      reason: p.reason,
      decision: allowed ? 'ALLOW' : 'DENY',
      // A "not found" decision is marked so the caller's own IG sees the same entry for a
      // restricted case, an unrelated one and an unknown CRN (the owner's IG sees the details).
      reasons: decision.outcome === 'not_found' ? hiddenReasons(decision.reasons) : decision.reasons,
      agreement: decision.agreements[0] ?? null,
      fieldsReleased: allowed ? decision.released : [],
      fieldsWithheld: allowed ? decision.withheld : [],
      recipientOrg: p.org,
      ownerOrg: record?.managingOrg ?? null,
      requestId: p.requestId,
      jti: p.jti,
      breakGlass: p.breakGlass || decision.breakGlassUsed,
    });
    // "Forbidden" depends only on the caller's roles and organisation kind, never on the CRN:
    // everything about a particular case that may not leave is "not found" (see PolicyEvaluator).
    if (decision.outcome === 'forbidden') {
      throw new CaseException(CaseExceptionCode.ReadForbidden, 'Your roles do not allow reading case data.');
    }
    if (!allowed) throw CaseException.notFound();
    const body = project(view, record, assessment, new Set(decision.released));
    return {
      crn,
      ...body,
      purpose,
      agreementId: decision.agreements[0]?.id ?? null,
      agreementVersion: decision.agreements[0]?.version ?? null,
      fieldsWithheld: decision.withheld,
      accessLogIndex: receipt.index,
      ...(explainWithheld ? { withheldBecause: withheldBecause(decision) } : {}),
    };
  }
}

/** The field decisions' reasons, in the three kinds a person can act on (see WithheldBecause). */
function withheldBecause(decision: ReadDecision): WithheldBecause[] {
  return decision.fields
    .filter((f) => !f.allowed)
    .map((f) => ({
      field: f.field,
      because: !f.reasons[0]?.startsWith('rule:')
        ? 'policy'
        : f.reasons.some((r) => r.startsWith('special category'))
          ? 'condition'
          : 'agreement',
    }));
}
