import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { effectiveRoles } from '@shared/auth/roles.js';
import { hasRole, logActor } from '@shared/auth/principal.js';
import { OrganisationDirectory, OPERATOR_ORG_ID } from '@modules/organisations/index.js';
import { hiddenReasons, NOT_FOUND } from '@modules/access-log/index.js';
import { AgreementCoverage } from '@modules/agreements/index.js';
import { PolicyEngine, PolicyVersions, type PolicyEvaluator } from '@modules/policies/index.js';
import { CaseAccess, type DecideAt } from '../../case-access.service.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { ExplainDecisionQuery, type ExplainResponse } from './explain-decision.query.js';

/**
 * POST /policies/explain: the decision the gateway would make for a principal, a CRN and a
 * purpose, field by field with the rules and agreement behind it, without releasing any case
 * data. The explanation itself is logged.
 *
 * Existence hiding holds here as for reads: the operator's reviewers, and those of the case's
 * managing organisation, see the full explanation. Any other reviewer may only ask about its own
 * organisation's principals (another's is 404, whatever the CRN), and a "not found" decision is
 * answered exactly as for an unknown CRN (see HIDDEN), its log entry marked with hiddenReasons.
 *
 * A past decision is replayed with `policyVersion` (the content hash its log entry names: the
 * policy files of that version, stored when the gateway started with them) and `agreement` (the
 * version it relied on, whatever its status now), against the case as it is now.
 */
/** The explanation of every "not found" decision for a reviewer who may not know the case: that of an unknown CRN. */
const HIDDEN = {
  decision: 'DENY',
  outcome: 'not_found',
  reasons: [NOT_FOUND],
  relationships: [],
  fields: [],
  agreement: null,
} as const satisfies Omit<ExplainResponse, 'policyVersions' | 'policyVersion'>;

@QueryHandler(ExplainDecisionQuery)
export class ExplainDecisionHandler implements IQueryHandler<ExplainDecisionQuery, ExplainResponse> {
  constructor(
    private readonly access: CaseAccess,
    private readonly orgs: OrganisationDirectory,
    private readonly policy: PolicyEngine,
    private readonly versions: PolicyVersions,
    private readonly coverage: AgreementCoverage,
  ) {}

  async execute({ principal: p, input }: ExplainDecisionQuery): Promise<ExplainResponse> {
    const subjectOrg = await this.orgs.get(input.principal.org);
    if (!subjectOrg)
      throw new CaseException(
        CaseExceptionCode.UnknownOrganisation,
        `Organisation "${input.principal.org}" is not registered.`,
        [{ field: 'principal.org', message: 'is not a registered organisation' }],
      );
    const actor = {
      org: subjectOrg.id,
      orgKind: subjectOrg.kind,
      orgRegion: subjectOrg.region,
      roles: effectiveRoles(subjectOrg.kind, input.principal.roles),
      attrs: input.principal.attrs ?? {},
      breakGlass: input.principal.breakGlass ?? false,
    };
    const view = input.view ?? 'summary';
    const operator = p.org === OPERATOR_ORG_ID && hasRole(p, 'ig-reviewer', 'gateway-admin');
    const { policy, replay } = await this.replayOf(input, operator ? null : p.org);
    const { decision, record } = await this.access.decide(actor, input.crn, input.purpose, view, new Date(), replay);
    const owner = record !== null && record.managingOrg === p.org;
    if (!operator && !owner && p.org !== actor.org) throw CaseException.notFound();
    const hidden = decision.outcome === 'not_found';
    const replayed = [
      ...(input.policyVersion ? [`policy ${input.policyVersion}`] : []),
      ...(input.agreement ? [`agreement ${input.agreement.id}@v${input.agreement.version}`] : []),
    ];
    const explained = `explained for ${actor.org} as ${actor.roles.join('+') || 'no effective role'}: ${decision.outcome}${replayed.length ? ` (replayed with ${replayed.join(' and ')})` : ''}`;
    await this.access.log.append({
      actor: logActor(p),
      action: 'policy.explain',
      resource: { type: 'case', id: input.crn },
      crn: input.crn,
      purpose: input.purpose,
      reason: p.reason ?? null,
      decision: 'ALLOW',
      reasons: hidden ? hiddenReasons([explained]) : [explained],
      fieldsReleased: [],
      fieldsWithheld: [],
      ownerOrg: record?.managingOrg ?? null,
      recipientOrg: p.org,
      requestId: p.requestId,
      jti: p.jti,
    });
    const version = {
      policyVersions: policy.policy.versions,
      policyVersion: input.policyVersion ?? this.policy.contentHash,
    };
    if (hidden && !operator && !owner) return { ...HIDDEN, ...version };
    return {
      decision: decision.outcome === 'allow' ? 'ALLOW' : 'DENY',
      outcome: decision.outcome,
      reasons: decision.reasons,
      relationships: decision.relationships,
      fields: decision.fields,
      agreement: decision.agreements[0] ?? null,
      ...version,
    };
  }

  /** The policy version and agreement version to decide with: those asked for, else those in force. */
  private async replayOf(
    input: ExplainDecisionQuery['input'],
    viewer: string | null,
  ): Promise<{ policy: PolicyEvaluator; replay: DecideAt }> {
    const policy = input.policyVersion ? await this.versions.at(input.policyVersion) : this.policy;
    if (!policy)
      throw new CaseException(
        CaseExceptionCode.UnknownPolicyVersion,
        `The gateway never ran with policy version ${input.policyVersion}.`,
        [{ field: 'policyVersion', message: 'is not a policy version of this gateway' }],
      );
    if (!input.agreement) return { policy, replay: { policy } };
    const agreement = await this.coverage.version({ ...input.agreement, viewer });
    if (!agreement)
      throw new CaseException(
        CaseExceptionCode.UnknownAgreementVersion,
        `Agreement ${input.agreement.id} has no version ${input.agreement.version} your organisation is party to.`,
        [{ field: 'agreement', message: 'is not a known agreement version of your organisation' }],
      );
    return {
      policy,
      replay: { policy, agreementsFrom: (provider) => agreement.cover(provider, input.principal.org, input.purpose) },
    };
  }
}
