import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { effectiveRoles } from '@shared/auth/roles.js';
import { hasRole } from '@shared/auth/principal.js';
import { OrganisationDirectory, OPERATOR_ORG_ID } from '@modules/organisations/index.js';
import { PolicyEngine } from '@modules/policies/index.js';
import { CaseAccess } from '../../case-access.service.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { ExplainDecisionQuery, type ExplainResponse } from './explain-decision.query.js';

/**
 * POST /policies/explain: the decision the gateway would make for a principal, a CRN and a
 * purpose, field by field with the rules and agreement behind it, without releasing any case
 * data. The explanation itself is logged. A reviewer outside the operator only explains
 * decisions that involve its own organisation.
 */
@QueryHandler(ExplainDecisionQuery)
export class ExplainDecisionHandler implements IQueryHandler<ExplainDecisionQuery, ExplainResponse> {
  constructor(
    private readonly access: CaseAccess,
    private readonly orgs: OrganisationDirectory,
    private readonly policy: PolicyEngine,
  ) {}

  async execute({ principal: p, input }: ExplainDecisionQuery): Promise<ExplainResponse> {
    const subjectOrg = await this.orgs.get(input.principal.org);
    if (!subjectOrg) throw new CaseException(CaseExceptionCode.UnknownOrganisation, `Organisation "${input.principal.org}" is not registered.`, [{ field: 'principal.org', message: 'is not a registered organisation' }]);
    const actor = {
      org: subjectOrg.id,
      orgKind: subjectOrg.kind,
      orgRegion: subjectOrg.region,
      roles: effectiveRoles(subjectOrg.kind, input.principal.roles),
      attrs: input.principal.attrs ?? {},
      breakGlass: input.principal.breakGlass ?? false,
    };
    const view = input.view ?? 'summary';
    const { decision, record } = await this.access.decide(actor, input.crn, input.purpose, view);
    const operator = p.org === OPERATOR_ORG_ID && hasRole(p, 'ig-reviewer', 'gateway-admin');
    if (!operator && p.org !== actor.org && record?.managingOrg !== p.org) throw CaseException.notFound();
    await this.access.log.append({
      actor: { org: p.org, sub: p.sub, roles: p.roles },
      action: 'policy.explain',
      resource: { type: 'case', id: input.crn },
      crn: input.crn,
      purpose: input.purpose,
      reason: p.reason ?? null,
      decision: 'ALLOW',
      reasons: [`explained for ${actor.org} as ${actor.roles.join('+') || 'no effective role'}: ${decision.outcome}`],
      fieldsReleased: [],
      fieldsWithheld: [],
      ownerOrg: record?.managingOrg ?? null,
      recipientOrg: p.org,
      requestId: p.requestId,
      jti: p.jti,
    });
    return {
      decision: decision.outcome === 'allow' ? 'ALLOW' : 'DENY',
      outcome: decision.outcome,
      reasons: decision.reasons,
      relationships: decision.relationships,
      fields: decision.fields,
      agreement: decision.agreements[0] ?? null,
      policyVersions: this.policy.policy.versions,
    };
  }
}
