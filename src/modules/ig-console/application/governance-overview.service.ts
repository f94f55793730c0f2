import { Injectable } from '@nestjs/common';
import type { Principal } from '@shared/auth/principal.js';
import { AccessLogWriter, CheckpointService, type SignedCheckpoint } from '@modules/access-log/index.js';
import {
  AgreementsSource,
  OverdueExchangeSource,
  WebhookDeliverySource,
  type AgreementView,
  type WebhookDeliveryStatus,
} from '../domain/agreement-view.js';

/** Agreements that have ended need no review. */
const CLOSED = new Set(['EXPIRED', 'TERMINATED']);

export interface GovernanceOverview {
  generatedAt: string;
  agreements: { total: number; byStatus: Record<string, number>; pastReviewDate: AgreementView[] };
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
  ) {}

  async overview(p: Principal, now = new Date()): Promise<GovernanceOverview> {
    const list = await this.agreements.list(p);
    const byStatus: Record<string, number> = {};
    for (const a of list) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    const pastReviewDate = list
      .filter((a) => !CLOSED.has(a.status) && Date.parse(a.reviewBy) < now.getTime())
      .sort((a, b) => a.reviewBy.localeCompare(b.reviewBy));
    const overdue = await this.exchange.overdue(p, now);
    const webhookDelivery = await this.webhooks.list(p);
    await this.writer.append({
      actor: { org: p.org, sub: p.sub, roles: p.roles },
      action: 'ig.overview.read',
      resource: { type: 'governance-overview', id: p.org },
      reason: p.reason ?? null,
      decision: 'ALLOW',
      reasons: [
        `agreements:${list.length}`,
        `overdue-exchange:${overdue?.length ?? 'n/a'}`,
        `webhook-subscriptions:${webhookDelivery.length}`,
      ],
      recipientOrg: p.org,
      requestId: p.requestId,
    });
    return {
      generatedAt: now.toISOString(),
      agreements: { total: list.length, byStatus, pastReviewDate },
      overdueExchangeRequests: overdue,
      webhookDelivery,
      checkpoint: await this.checkpoints.latest(),
    };
  }
}
