import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '@shared/auth/principal.js';
import {
  AgreementsSource,
  OverdueExchangeSource,
  WebhookDeliverySource,
  type AgreementView,
  type WebhookDeliveryStatus,
} from '../domain/agreement-view.js';

interface Row {
  id: string;
  status: string;
  party_orgs: string[];
  status_action: string | null;
  status_changed_at: Date | null;
  document: string;
}

/**
 * Reads agreements for the overview and the agreement flags.
 *
 * A stop-gap: the agreements module's index.ts exports no list query yet, so this reads its
 * tables (SELECT only, which gateway_app already holds) and the current version's signed
 * document, the single source of a version's terms. Replace it with the module's own query
 * once index.ts exports one; nothing else in this module needs to change (it uses the port).
 */
@Injectable()
export class AgreementsReadAdapter extends AgreementsSource {
  constructor(private readonly db: DataSource) {
    super();
  }

  async list(reviewer: Principal): Promise<AgreementView[]> {
    const org = reviewer.orgKind === 'GATEWAY' ? null : reviewer.org;
    const rows: Row[] = await this.db.query(
      `SELECT a.id, a.status, a.party_orgs, a.status_action, a.status_changed_at, v.document
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
        WHERE $1::text IS NULL OR $1 = ANY (a.party_orgs)
        ORDER BY a.created_at`,
      [org],
    );
    return rows.map((r) => {
      const d = JSON.parse(r.document) as {
        title?: string;
        reviewBy?: string;
        reviewIntervalMonths?: number;
        dpiaReference?: string;
        validTo?: string;
      };
      return {
        id: r.id,
        title: d.title ?? '',
        status: r.status,
        parties: r.party_orgs,
        reviewBy: d.reviewBy ?? '',
        reviewIntervalMonths: d.reviewIntervalMonths ?? null,
        dpiaReference: d.dpiaReference ?? null,
        validTo: d.validTo ?? '',
        lastStatusChange:
          r.status_action && r.status_changed_at
            ? { action: r.status_action, at: r.status_changed_at.toISOString() }
            : null,
      };
    });
  }
}

/**
 * Exchange requests still open (not decided or not fulfilled) after their due date, among those the reviewer's
 * organisation made or received (all, for the operator). The same stop-gap as above: the
 * exchange module's index.ts exports no such query yet, so this reads its table (SELECT only).
 */
@Injectable()
export class OverdueExchangeReadAdapter extends OverdueExchangeSource {
  constructor(private readonly db: DataSource) {
    super();
  }

  async overdue(
    reviewer: Principal,
    now: Date,
  ): Promise<{ id: string; requester: string; provider: string; crn: string; dueBy: string; urgency: string }[]> {
    const org = reviewer.orgKind === 'GATEWAY' ? null : reviewer.org;
    const rows: {
      id: string;
      requester_org: string;
      provider_org: string;
      crn: string;
      due_by: Date;
      urgency: string;
    }[] = await this.db.query(
      `SELECT id, requester_org, provider_org, crn, due_by, urgency FROM exchange_requests
        WHERE status IN ('SUBMITTED', 'APPROVED') AND due_by < $1 AND ($2::text IS NULL OR requester_org = $2 OR provider_org = $2)
        ORDER BY due_by LIMIT 500`,
      [now, org],
    );
    return rows.map((r) => ({
      id: r.id,
      requester: r.requester_org,
      provider: r.provider_org,
      crn: r.crn,
      dueBy: r.due_by.toISOString(),
      urgency: r.urgency,
    }));
  }
}

/**
 * Webhook subscriptions and their delivery status for the reviewer's organisation (all, for the
 * operator). The same stop-gap as above: the events module exports nothing (nothing depends on
 * it), so this reads its tables (SELECT only), as its metrics do.
 */
@Injectable()
export class WebhookDeliveryReadAdapter extends WebhookDeliverySource {
  constructor(private readonly db: DataSource) {
    super();
  }

  async list(reviewer: Principal): Promise<WebhookDeliveryStatus[]> {
    const org = reviewer.orgKind === 'GATEWAY' ? null : reviewer.org;
    const rows: (Omit<WebhookDeliveryStatus, 'oldestUndeliveredSeconds'> & { oldest: number | null })[] =
      await this.db.query(
        `SELECT s.id::text, s.org, s.url, s.types, s.delivered::int AS delivered, b.backlog::int AS backlog,
                extract(epoch FROM now() - b.oldest)::float8 AS oldest, s.failures::int AS "failedAttempts",
                (SELECT count(*) FROM event_dead_letters d WHERE d.subscription_id = s.id AND d.delivered_at IS NULL)::int AS "deadLetters",
                s.last_error AS "lastError"
           FROM event_subscriptions s
           CROSS JOIN LATERAL (SELECT count(*) AS backlog, min(o.occurred_at) AS oldest FROM event_outbox o
                                WHERE o.seq > s.cursor AND (s.types = '{*}' OR o.type = ANY (s.types))) b
          WHERE s.deleted_at IS NULL AND ($1::text IS NULL OR s.org = $1)
          ORDER BY s.org, s.created_at LIMIT 500`,
        [org],
      );
    return rows.map(({ oldest, ...r }) => ({
      ...r,
      oldestUndeliveredSeconds: oldest === null ? null : Math.round(oldest),
    }));
  }
}
