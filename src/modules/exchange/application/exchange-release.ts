import { Injectable } from '@nestjs/common';
import type { Transaction } from '@shared/database/transaction.js';
import { canonicalJsonBytes } from '@shared/crypto/canonical-json.js';
import { GatewaySigner } from '@shared/crypto/gateway-signer.js';
import { AgreementCoverage, type CoveringAgreement } from '@modules/agreements/index.js';
import { CaseRepository, project, type Assessment, type CaseRecord } from '@modules/cases/index.js';
import { explainNotInForce } from '../domain/agreement-check.js';
import { ExchangeException, ExchangeExceptionCode } from '../domain/exchange.exception.js';
import type { ExchangeRequest } from '../domain/exchange-request.js';
import { EXCHANGE_VIEW, planRelease, type ReleasePlan } from '../domain/release-rule.js';
import { buildBundle, EXCHANGE_RESPONSE_TYPE } from '../domain/response-bundle.js';
import { ExchangeLog } from './exchange-log.js';

/** What a release would be right now, or why the request must be closed instead. */
export type ReleaseCheck =
  | {
      kind: 'release';
      agreement: CoveringAgreement;
      plan: ReleasePlan;
      record: CaseRecord;
      assessment: Assessment | null;
    }
  | { kind: 'close'; status: 'REFUSED' | 'EXPIRED'; reason: string };

/** A check that found something to release: the agreement in force, the plan, the case as read. */
export type ReleaseReady = Extract<ReleaseCheck, { kind: 'release' }>;

type Actor = Parameters<ExchangeLog['released']>[0];

/**
 * Releases an approved request: re-checks the named agreement at release time (it may have been
 * amended, suspended or expired since submission), projects the case as it is now, appends the
 * release to the access log and waits until it is durable, and only then signs the bundle with
 * the receipt in it. The caller stores the bundle verbatim, and only while the request is as it
 * was when released: under its row lock (a data owner's approval), or by a write that checks its
 * status (an automatic approval, see SubmitExchangeRequestHandler).
 *
 * The release's entry is a release of data, like a read: it is durable before the transaction
 * that stores the bundle commits, because the signed bundle carries its receipt. If that write
 * then fails (or finds the request decided meanwhile), the entry records a release whose bundle
 * was never stored or served: the request stays as it was, and data reaches the requester only
 * through GET .../response, logged itself.
 */
@Injectable()
export class ExchangeRelease {
  constructor(
    private readonly coverage: AgreementCoverage,
    private readonly cases: CaseRepository,
    private readonly signer: GatewaySigner,
    private readonly log: ExchangeLog,
  ) {}

  /**
   * What releasing a request a data owner approved would be now: the approval stands in for the
   * relationship the policies would otherwise need (no `policyReleased`). An automatic approval
   * does not come here: the submission's assessment already read the agreement and the case.
   * Every read is made on `tx`, the transaction that holds the request's row lock, so a caller
   * holding one pooled connection never waits for another.
   */
  async check(r: ExchangeRequest, now: Date, tx: Transaction): Promise<ReleaseCheck> {
    const s = r.state;
    const [inForce] = await this.coverage.findCovering({
      provider: s.provider,
      recipient: s.requester,
      purpose: s.purpose,
      agreementId: s.agreementId,
      at: now,
      tx,
    });
    if (!inForce) {
      const named = await this.coverage.getAgreement(s.agreementId, now, tx);
      const reason = explainNotInForce(named, {
        agreementId: s.agreementId,
        requester: s.requester,
        provider: s.provider,
        purpose: s.purpose,
        categories: s.dataCategories,
      }).join('; ');
      return { kind: 'close', status: named?.status === 'EXPIRED' ? 'EXPIRED' : 'REFUSED', reason };
    }
    const plan = planRelease({ requested: s.dataCategories, agreement: inForce });
    if (!plan.released.length) {
      return {
        kind: 'close',
        status: 'REFUSED',
        reason: `agreement ${inForce.id} version ${inForce.version} no longer covers any requested data category`,
      };
    }
    const loaded = await this.cases.loadWithLatestAssessment(s.crn, tx);
    if (!loaded || loaded.record.managingOrg !== s.provider) {
      throw new ExchangeException(
        ExchangeExceptionCode.CaseNotHeld,
        `${s.provider} does not manage a case ${s.crn}: nothing can be released; refuse the request instead.`,
      );
    }
    // A restricted case exists for its managing organisation alone: an approval does not open it.
    if (loaded.record.restricted) {
      throw new ExchangeException(
        ExchangeExceptionCode.CaseRestricted,
        `Case ${s.crn} is restricted: nothing of it may leave ${s.provider}, approved or not; refuse the request instead.`,
      );
    }
    return { kind: 'release', agreement: inForce, plan, record: loaded.record, assessment: loaded.assessment };
  }

  async release(actor: Actor, r: ExchangeRequest, c: ReleaseReady, how: string[]): Promise<void> {
    const s = r.state;
    const data = project(EXCHANGE_VIEW, c.record, c.assessment, new Set(c.plan.released));
    const agreement = { id: c.agreement.id, version: c.agreement.version };
    const receipt = await this.log.released(actor, r, how, agreement, c.plan.released, c.plan.withheld);
    const issuedAt = new Date();
    const bundle = buildBundle({
      requestId: s.id,
      provider: s.provider,
      recipient: s.requester,
      crn: s.crn,
      purpose: s.purpose,
      agreementId: agreement.id,
      agreementVersion: agreement.version,
      data,
      fieldsReleased: c.plan.released,
      fieldsWithheld: c.plan.withheld,
      issuedAt,
      retentionDays: c.agreement.retentionDays,
      receipt: { index: receipt.index, leafHash: receipt.leafHash, timestamp: receipt.timestamp },
    });
    const responseJws = await this.signer.sign(canonicalJsonBytes(bundle), EXCHANGE_RESPONSE_TYPE);
    r.fulfil({
      agreementVersion: agreement.version,
      fieldsReleased: c.plan.released,
      fieldsWithheld: c.plan.withheld,
      logIndex: receipt.index,
      responseJws,
      at: issuedAt,
    });
  }
}
