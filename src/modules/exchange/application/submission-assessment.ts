import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { AgreementCoverage, type CoveringAgreement } from '@modules/agreements/index.js';
import { CaseAccess } from '@modules/cases/index.js';
import { checkAgreement, type AgreementCheck } from '../domain/agreement-check.js';
import { EXCHANGE_VIEW, planRelease, releasesEveryCategory } from '../domain/release-rule.js';
import type { ExchangeRequestClaims } from '../domain/request-document.js';
import type { ReleaseReady } from './exchange-release.js';

export interface SubmissionAssessment {
  verdict: AgreementCheck;
  /** The named agreement's version in force for provider -> requester and the purpose, if any. */
  inForce: CoveringAgreement | null;
  /**
   * Set when the policies already release every requested category: approve and release at once,
   * with `release` (the agreement in force, the plan and the case as read for the decision, at
   * the same instant) and the policies' `reasons`.
   */
  automatic: { release: ReleaseReady; reasons: string[] } | null;
}

/**
 * What can be decided the moment a request arrives: whether the named agreement covers it at
 * all, and whether the policies would already release every requested category to the
 * requester for this CRN and purpose (a direct read would succeed), so no person need decide.
 */
@Injectable()
export class SubmissionAssessor {
  constructor(
    private readonly coverage: AgreementCoverage,
    private readonly cases: CaseAccess,
  ) {}

  async assess(p: Principal, c: ExchangeRequestClaims, now: Date): Promise<SubmissionAssessment> {
    const [inForce] = await this.coverage.findCovering({
      provider: c.provider,
      recipient: c.iss,
      purpose: c.purpose,
      agreementId: c.agreementId,
      at: now,
    });
    const named = inForce ? null : await this.coverage.getAgreement(c.agreementId, now);
    const verdict = checkAgreement(named, inForce ?? null, {
      agreementId: c.agreementId,
      requester: c.iss,
      provider: c.provider,
      purpose: c.purpose,
      categories: c.dataCategories,
    });
    if (!verdict.ok || !inForce) return { verdict, inForce: inForce ?? null, automatic: null };

    // Break-glass never counts: an exchange is a considered request, not an emergency read.
    const actor = await this.cases.actorFacts({ ...p, breakGlass: false });
    const { decision, record, assessment } = await this.cases.decide(actor, c.crn, c.purpose, EXCHANGE_VIEW, now);
    if (decision.outcome !== 'allow' || !record || record.managingOrg !== c.provider)
      return { verdict, inForce, automatic: null };
    // Only the fields the policies release to the requester now, of the requested categories the agreement covers.
    const plan = planRelease({ requested: c.dataCategories, agreement: inForce, policyReleased: decision.released });
    if (!releasesEveryCategory(c.dataCategories, plan.released)) return { verdict, inForce, automatic: null };
    return {
      verdict,
      inForce,
      automatic: {
        release: { kind: 'release', agreement: inForce, plan, record, assessment },
        reasons: decision.reasons,
      },
    };
  }
}
