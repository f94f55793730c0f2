import { Injectable } from '@nestjs/common';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { AccessLogWriter, CheckpointService, type SignedCheckpoint } from '@modules/access-log/index.js';
import { nextReviewAfter, reviewDueAt } from '@modules/agreements/index.js';
import { breachClock, current } from '../domain/breach.js';
import { BreachRepository } from '../domain/breach.repository.port.js';
import {
  AgreementsSource,
  OverdueExchangeSource,
  WebhookDeliverySource,
  type AgreementView,
  type WebhookDeliveryStatus,
} from '../domain/agreement-view.js';

/** Breaches the overview looks through for overdue ones (the register's list answers at most this many). */
const BREACHES_READ = 500;

/** Agreements that have ended need no review. */
const CLOSED = new Set(['EXPIRED', 'TERMINATED']);

/** An agreement in the IG records: its DPIA and where it stands in its review schedule. */
export interface AgreementRecord extends AgreementView {
  /** The latest review date of the schedule reached (RFC 3339), or null while the first is ahead. */
  reviewDue: string | null;
  /** The next review date of the schedule before validTo, or null when none is left. */
  nextReview: string | null;
}

export interface GovernanceOverview {
  generatedAt: string;
  agreements: { total: number; byStatus: Record<string, number>; pastReviewDate: AgreementView[] };
  /** The organisation's breaches still open past their 72 hours for reporting to the ICO. */
  breachesOverdue: { id: string; summary: string; severity: string; icoDeadline: string }[];
  /** null when the gateway cannot tell. */
  overdueExchangeRequests: Awaited<ReturnType<OverdueExchangeSource['overdue']>>;
  /** The organisation's webhook subscriptions: backlog, oldest undelivered event, failures, dead letters. */
  webhookDelivery: WebhookDeliveryStatus[];
  /** The newest signed checkpoint; the console verifies its signature in the browser. */
  checkpoint: SignedCheckpoint;
}

@Injectable()
export class GovernanceOverviewService {
  constructor(
    private readonly agreements: AgreementsSource,
    private readonly exchange: OverdueExchangeSource,
    private readonly webhooks: WebhookDeliverySource,
    private readonly checkpoints: CheckpointService,
    private readonly writer: AccessLogWriter,
    private readonly breaches: BreachRepository,
  ) {}

  /** Every agreement not ended with its DPIA reference and where it stands in its review schedule. */
  async records(p: Principal, now = new Date()): Promise<{ agreements: AgreementRecord[] }> {
    const agreements = (await this.agreements.list(p))
      .filter((a) => !CLOSED.has(a.status))
      .map((a) => agreementRecord(a, now));
    await this.writer.append({
      actor: logActor(p),
      action: 'ig.agreement-records.read',
      resource: { type: 'agreement-records', id: p.org },
      reason: p.reason ?? null,
      decision: 'ALLOW',
      reasons: [`agreements:${agreements.length}`],
      recipientOrg: p.org,
      requestId: p.requestId,
    });
    return { agreements };
  }

  async overview(p: Principal, now = new Date()): Promise<GovernanceOverview> {
    const list = await this.agreements.list(p);
    const byStatus: Record<string, number> = {};
    for (const a of list) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    const pastReviewDate = list
      .filter((a) => !CLOSED.has(a.status) && Date.parse(a.reviewBy) < now.getTime())
      .sort((a, b) => a.reviewBy.localeCompare(b.reviewBy));
    const overdue = await this.exchange.overdue(p, now);
    const webhookDelivery = await this.webhooks.list(p);
    const breachesOverdue = (await this.breaches.list(p.org, BREACHES_READ))
      .filter((b) => breachClock(b, now).overdue)
      .map((b) => ({
        id: b.id,
        summary: current(b).summary,
        severity: current(b).severity,
        icoDeadline: b.icoDeadline.toISOString(),
      }));
    await this.writer.append({
      actor: logActor(p),
      action: 'ig.overview.read',
      resource: { type: 'governance-overview', id: p.org },
      reason: p.reason ?? null,
      decision: 'ALLOW',
      reasons: [
        `agreements:${list.length}`,
        `overdue-exchange:${overdue?.length ?? 'n/a'}`,
        `webhook-subscriptions:${webhookDelivery.length}`,
        `breaches-overdue:${breachesOverdue.length}`,
      ],
      recipientOrg: p.org,
      requestId: p.requestId,
    });
    return {
      generatedAt: now.toISOString(),
      agreements: { total: list.length, byStatus, pastReviewDate },
      breachesOverdue,
      overdueExchangeRequests: overdue,
      webhookDelivery,
      checkpoint: await this.checkpoints.latest(),
    };
  }
}

function agreementRecord(a: AgreementView, now: Date): AgreementRecord {
  const reviewBy = new Date(a.reviewBy);
  const validTo = new Date(a.validTo);
  return {
    ...a,
    reviewDue: reviewDueAt(reviewBy, a.reviewIntervalMonths, validTo, now)?.toISOString() ?? null,
    nextReview: nextReviewAfter(reviewBy, a.reviewIntervalMonths, validTo, now)?.toISOString() ?? null,
  };
}
