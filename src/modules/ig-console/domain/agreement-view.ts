import type { Principal } from '@shared/auth/principal.js';
import type { AgreementFacts } from './misuse-flags.js';

/** What the console shows and checks of a data-sharing agreement. */
export interface AgreementView {
  id: string;
  title: string;
  status: string;
  parties: string[];
  /** RFC 3339 */
  reviewBy: string;
  /** Months between reviews after reviewBy; null: one review. */
  reviewIntervalMonths: number | null;
  /** The DPIA the agreement rests on; null when its version records none. */
  dpiaReference: string | null;
  validTo: string;
  lastStatusChange: { action: string; at: string } | null;
}

/** Port: the agreements the reviewer's organisation is party to (all, for the operator). */
export abstract class AgreementsSource {
  abstract list(reviewer: Principal): Promise<AgreementView[]>;
}

/** Port: exchange requests past their due date, or null when the gateway cannot tell. */
export abstract class OverdueExchangeSource {
  abstract overdue(
    reviewer: Principal,
    now: Date,
  ): Promise<{ id: string; requester: string; provider: string; crn: string; dueBy: string; urgency: string }[] | null>;
}

/** One webhook subscription's delivery status, as the IG of its organisation sees it. */
export interface WebhookDeliveryStatus {
  id: string;
  org: string;
  url: string;
  types: string[];
  delivered: number;
  /** Events after its cursor that it subscribes to (some may turn out not to be for it). */
  backlog: number;
  /** Age of the oldest of those, in seconds; null when there is none. */
  oldestUndeliveredSeconds: number | null;
  failedAttempts: number;
  deadLetters: number;
  lastError: string | null;
}

/** Port: the webhook subscriptions of the reviewer's organisation (all, for the operator), with their delivery status. */
export abstract class WebhookDeliverySource {
  abstract list(reviewer: Principal): Promise<WebhookDeliveryStatus[]>;
}

export function agreementFacts(a: AgreementView): AgreementFacts {
  const c = a.lastStatusChange;
  const stoppedAt = c !== null && (c.action === 'suspend' || c.action === 'terminate') ? new Date(c.at) : null;
  return { id: a.id, status: a.status, statusChangedAt: stoppedAt, reviewBy: a.reviewBy ? new Date(a.reviewBy) : null };
}
