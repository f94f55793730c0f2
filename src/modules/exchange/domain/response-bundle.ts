import type { Purpose } from '@shared/domain/vocabulary.js';

/** Explicit type of the gateway's signed answer, so it can never pass for another kind of JWS. */
export const EXCHANGE_RESPONSE_TYPE = 'exchange-response+jwt';

const DAY_MS = 86_400_000;

/**
 * The payload of the signed response (docs/api.md): the data as projected at release time, what was
 * withheld, until when the recipient may keep it, and the receipt of the release's access-log
 * entry, which was durable before this was signed. `provider`, `recipient` and `fieldsReleased`
 * are additions so the bundle stands on its own.
 */
export interface ResponseBundle {
  requestId: string;
  provider: string;
  recipient: string;
  crn: string;
  purpose: Purpose;
  agreementId: string;
  agreementVersion: number;
  data: Record<string, unknown>;
  fieldsReleased: string[];
  fieldsWithheld: string[];
  issuedAt: string;
  retainUntil: string;
  receipt: { index: number; leafHash: string; timestamp: string };
}

export function buildBundle(
  p: Omit<ResponseBundle, 'issuedAt' | 'retainUntil'> & { issuedAt: Date; retentionDays: number },
): ResponseBundle {
  const { retentionDays, issuedAt, ...rest } = p;
  return {
    ...rest,
    issuedAt: issuedAt.toISOString(),
    retainUntil: new Date(issuedAt.getTime() + retentionDays * DAY_MS).toISOString(),
  };
}
