import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { AgreementCoverage } from '@modules/agreements/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import {
  PolicyEngine,
  type PolicyEvaluator,
  type AgreementTerms,
  type ActorFacts,
  type CaseFacts,
  type CaseView,
  type ReadDecision,
} from '@modules/policies/index.js';
import type { Assessment, CaseRecord } from './domain/case.types.js';
import { CaseRepository } from './domain/case.repository.port.js';

/** A replay of a past decision: the policy version that made it, and the agreement version it relied on. */
export interface DecideAt {
  policy?: PolicyEvaluator;
  /** Instead of the agreements in force now from `provider` (the case's managing organisation) to the actor. */
  agreementsFrom?: (provider: string) => readonly AgreementTerms[];
}

export interface LoadedDecision {
  decision: ReadDecision;
  record: CaseRecord | null;
  assessment: Assessment | null;
}

/**
 * Gathers the facts of a decision (who acts, the case's attributes, the agreements in force)
 * and asks the policy engine. Shared by reads, explanations and the exchange module.
 */
@Injectable()
export class CaseAccess {
  constructor(
    private readonly cases: CaseRepository,
    private readonly policy: PolicyEngine,
    private readonly coverage: AgreementCoverage,
    private readonly orgs: OrganisationDirectory,
    readonly log: AccessLogWriter,
  ) {}

  async actorFacts(p: Pick<Principal, 'org' | 'orgKind' | 'roles' | 'attrs' | 'breakGlass'>): Promise<ActorFacts> {
    const org = await this.orgs.get(p.org);
    return {
      org: p.org,
      orgKind: p.orgKind,
      orgRegion: org?.region,
      roles: p.roles,
      attrs: p.attrs,
      breakGlass: p.breakGlass,
    };
  }

  /** Whether any policy rule lets this actor's kind of organisation and roles read case data at all. */
  canReadCases(actor: ActorFacts): boolean {
    return this.policy.canReadCases(actor);
  }

  async caseFacts(r: CaseRecord): Promise<CaseFacts> {
    const managing = await this.orgs.get(r.managingOrg);
    return {
      crn: r.crn,
      managingOrg: r.managingOrg,
      managingOrgKind: managing?.kind ?? 'NPS',
      managingOrgRegion: managing?.region,
      restricted: r.restricted,
      iom: r.iom,
      mappa: r.mappa,
      transferParties: r.pendingTransfer ? [r.pendingTransfer.fromOrg, r.pendingTransfer.toOrg] : [],
      escalated: r.escalation !== null && managing?.kind === 'CRC',
    };
  }

  /**
   * Decides a read of `crn` for `purpose` by this actor, at this instant, with the policies and
   * agreements in force (or those of `replay`). Nothing is logged here.
   */
  async decide(
    actor: ActorFacts,
    crn: string,
    purpose: Purpose,
    view: CaseView,
    at = new Date(),
    replay: DecideAt = {},
  ): Promise<LoadedDecision> {
    const policy = replay.policy ?? this.policy;
    const none = { fields: [], released: [], withheld: [], agreements: [], relationships: [], breakGlassUsed: false };
    if (!policy.canReadCases(actor)) {
      return {
        decision: {
          ...none,
          outcome: 'forbidden',
          reasons: ['no policy rule lets these roles of this kind of organisation read case data'],
        },
        record: null,
        assessment: null,
      };
    }
    const loaded = await this.cases.loadWithLatestAssessment(crn);
    if (!loaded) {
      await this.lookUpAsIfDeciding(actor, purpose, at);
      return { decision: { ...none, outcome: 'not_found', reasons: ['no such case'] }, record: null, assessment: null };
    }
    const decision = await this.decideOn(actor, loaded.record, purpose, view, at, replay);
    return { decision, record: loaded.record, assessment: loaded.assessment };
  }

  /**
   * The same lookups as deciding one existing case makes (its managing organisation, the
   * agreements in force), with results unused: so that where there is no case to decide (an
   * unknown CRN; a search or cohort that matched nobody) the answer is not measurably faster
   * than where one case was decided and hidden.
   */
  async lookUpAsIfDeciding(actor: ActorFacts, purpose: Purpose, at = new Date()): Promise<void> {
    await this.orgs.get(actor.org);
    await this.coverage.findCovering({ provider: actor.org, recipient: actor.org, purpose, at });
  }

  /**
   * Decides a read of the case `record`, already loaded, exactly as decide() decides it for its
   * CRN (the same facts, agreements and policy): for listings that load many cases in one query.
   * Nothing is logged here.
   */
  async decideOn(
    actor: ActorFacts,
    record: CaseRecord,
    purpose: Purpose,
    view: CaseView,
    at = new Date(),
    replay: DecideAt = {},
  ): Promise<ReadDecision> {
    const policy = replay.policy ?? this.policy;
    const facts = await this.caseFacts(record);
    const coverage =
      actor.org === facts.managingOrg
        ? []
        : replay.agreementsFrom
          ? replay.agreementsFrom(facts.managingOrg)
          : await this.coverage.findCovering({ provider: facts.managingOrg, recipient: actor.org, purpose, at });
    return policy.decide(actor, facts, purpose, view, coverage);
  }
}
