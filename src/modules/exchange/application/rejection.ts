import { createHash } from 'node:crypto';
import { isPurpose } from '@shared/domain/vocabulary.js';
import { isStorableText, parseJwsJson } from '@shared/http/storable-text.js';
import type { ExchangeException } from '../domain/exchange.exception.js';
import type { RejectedSubmission } from './exchange-log.js';

const CRN = /^[A-Z][0-9]{6}$/;

/**
 * What the log can say about a rejected submission: the hash of the body as received (the
 * evidence), why, and, read best-effort from the unverified payload, the provider (only when
 * it is a registered organisation, so its IG sees attempts on its data), CRN and purpose.
 */
export async function describeRejection(
  body: string,
  e: ExchangeException,
  isOrganisation: (id: string) => Promise<boolean>,
): Promise<RejectedSubmission> {
  let payload: Record<string, unknown> = {};
  try {
    const parsed: unknown = parseJwsJson(body.trim().split('.')[1] ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      payload = parsed as Record<string, unknown>;
  } catch {
    // Not decodable: the hash alone identifies it.
  }
  // Only text the log can hold: a NUL here would fail the whole batch the entry is written in.
  const str = (v: unknown, max: number) =>
    typeof v === 'string' && v.length > 0 && v.length <= max && isStorableText(v) ? v : null;
  const provider = str(payload.provider, 64);
  return {
    bodySha256: createHash('sha256').update(body).digest('base64url'),
    code: e.code,
    detail: e.detail,
    provider:
      provider && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(provider) && (await isOrganisation(provider)) ? provider : null,
    crn: typeof payload.crn === 'string' && CRN.test(payload.crn) ? payload.crn : null,
    purpose: isPurpose(payload.purpose) ? payload.purpose : null,
    justification: str(payload.justification, 2000),
  };
}
