import { ACTOR_SUBJECT } from '@shared/auth/principal.js';
import { headerProblems, type SigningAlg } from '@shared/crypto/signature-checker.js';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '@shared/domain/vocabulary.js';
import type { FieldError } from '@shared/errors/index.js';
import { DuplicateMember, findUnstorableText, parseJwsJson } from '@shared/http/storable-text.js';
import { ExchangeException, ExchangeExceptionCode } from './exchange.exception.js';

/** Explicit typing of a request JWS (RFC 8725 3.11): no other kind of JWT is taken as one. */
export const EXCHANGE_REQUEST_TYPE = 'exchange-request+jwt';
export type RequestAlg = SigningAlg;
export const URGENCIES = ['ROUTINE', 'URGENT'] as const;

/** How old a request JWS may be when it arrives, and how far its clock may run ahead. */
export const MAX_REQUEST_AGE_S = 300;

/** What validateRequestClaims says of an `iat` outside the accepted window, for pages that put it in other words. */
export const IAT_REFUSAL = {
  future: 'is in the future',
  old: `is more than ${MAX_REQUEST_AGE_S} seconds old: sign the request afresh`,
} as const;
export const CLOCK_SKEW_S = 60;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CRN = /^[A-Z][0-9]{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JTI = /^[\x21-\x7e]{8,128}$/;
/** Registered claims a signer may add beside the document; any other unknown claim is refused. */
const OPTIONAL_CLAIMS = ['sub', 'aud', 'exp', 'nbf'];
const DOCUMENT_CLAIMS = [
  'iss',
  'iat',
  'jti',
  'provider',
  'crn',
  'purpose',
  'dataCategories',
  'justification',
  'urgency',
  'agreementId',
];

/** The request document of docs/api.md, as signed by the requesting organisation. */
export interface ExchangeRequestClaims {
  iss: string;
  iat: number;
  jti: string;
  provider: string;
  crn: string;
  purpose: Purpose;
  dataCategories: DataCategory[];
  justification: string;
  urgency: (typeof URGENCIES)[number];
  agreementId: string;
}

/** A request JWS taken apart, signature not yet checked. */
export interface DecodedRequestJws {
  /** The compact JWS without surrounding whitespace (what is verified). */
  compact: string;
  header: { alg: RequestAlg; kid: string; typ: string };
  payload: Record<string, unknown>;
}

const invalid = (
  errors: FieldError[],
  detail = `The request JWS is invalid: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`,
) => new ExchangeException(ExchangeExceptionCode.InvalidRequestJws, detail, errors);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `justification` claim of a request JWS, read without verifying it (undefined when there is
 * none): what a person who signs a request on the pages gave as their reason, which their
 * submission carries as the token `reason` a system would send. The submission verifies the JWS.
 */
export function requestJustification(body: string): string | undefined {
  const claims = unverifiedClaims(body);
  return typeof claims?.justification === 'string' && claims.justification.trim() ? claims.justification : undefined;
}

/**
 * The claims of a request JWS read without verifying it (null when it cannot be decoded): what its
 * signer wrote, to be shown back to them (a page fills its form again from a refused request).
 */
export function unverifiedClaims(body: string): Record<string, unknown> | null {
  try {
    return decodeRequestJws(body).payload;
  } catch {
    return null;
  }
}

/**
 * Takes a received body apart into header and payload, refusing anything that is not a compact
 * JWS of the right type, algorithm and key reference. Nothing here trusts the content yet.
 */
export function decodeRequestJws(body: string): DecodedRequestJws {
  const compact = body.trim();
  if (!COMPACT_JWS.test(compact))
    throw invalid(
      [{ field: '(body)', message: 'must be a compact JWS (three base64url parts separated by dots)' }],
      'The body must be a compact JWS.',
    );
  const [h, p] = compact.split('.');
  let header: unknown;
  let payload: unknown;
  try {
    header = parseJwsJson(h);
    payload = parseJwsJson(p);
  } catch (e) {
    const duplicate = e instanceof DuplicateMember;
    throw invalid(
      [
        {
          field: '(body)',
          message: duplicate
            ? `header and payload must not name a member twice (${e.message})`
            : 'header and payload must be base64url-encoded UTF-8 JSON',
        },
      ],
      duplicate ? `The request JWS names a member twice (${e.message}).` : 'The request JWS cannot be decoded.',
    );
  }
  if (!isObject(header)) throw invalid([{ field: 'header', message: 'must be a JSON object' }]);
  if (!isObject(payload)) throw invalid([{ field: '(payload)', message: 'must be a JSON object of claims' }]);
  // The kid is looked up and the claims are stored: text PostgreSQL refuses stops here.
  const unstorable = findUnstorableText(header, 'header') ?? findUnstorableText(payload, '');
  if (unstorable) throw invalid([unstorable]);
  // Every header problem at once (the shared signature checker's rules), so the sender can fix them together.
  const errors: FieldError[] = headerProblems(header, EXCHANGE_REQUEST_TYPE).map((p) => ({
    field: `header.${p.parameter}`,
    message: p.message,
  }));
  if (errors.length) throw invalid(errors);
  return {
    compact,
    header: { alg: header.alg as RequestAlg, kid: header.kid as string, typ: header.typ as string },
    payload,
  };
}

/**
 * Checks every claim of a signature-verified request document and names each bad one. Freshness:
 * `iat` at most five minutes old and at most a minute ahead of the gateway's clock, so a captured
 * request cannot be submitted again much later (the jti is also unique per organisation). The
 * optional registered claims are checked as a request token's are: an `aud` must name this
 * gateway (`gatewayId`; a string, or an array of strings holding it, RFC 7519 4.1.3), so a
 * document addressed to another recipient is not taken here; a `sub` is `user:<id>` or `system:<id>`.
 */
export function validateRequestClaims(
  payload: Record<string, unknown>,
  now: Date,
  gatewayId: string,
): ExchangeRequestClaims {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  const nowS = Math.floor(now.getTime() / 1000);

  for (const name of Object.keys(payload)) {
    if (!DOCUMENT_CLAIMS.includes(name) && !OPTIONAL_CLAIMS.includes(name)) err(name, `unknown claim "${name}"`);
  }
  const {
    iss,
    iat,
    jti,
    provider,
    crn,
    purpose,
    dataCategories,
    justification,
    urgency,
    agreementId,
    exp,
    nbf,
    sub,
    aud,
  } = payload;
  if (typeof iss !== 'string' || !SLUG.test(iss)) err('iss', 'must be the requesting organisation id');
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    err('iat', 'is required: the signing time in seconds since the epoch');
  else if (iat > nowS + CLOCK_SKEW_S) err('iat', IAT_REFUSAL.future);
  else if (iat < nowS - MAX_REQUEST_AGE_S) err('iat', IAT_REFUSAL.old);
  if (exp !== undefined && (typeof exp !== 'number' || exp < nowS - CLOCK_SKEW_S))
    err('exp', 'must be a number of seconds, not in the past');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowS + CLOCK_SKEW_S))
    err('nbf', 'must be a number of seconds, not in the future');
  if (sub !== undefined && (typeof sub !== 'string' || !ACTOR_SUBJECT.test(sub)))
    err('sub', 'must be user:<id> or system:<id>');
  if (aud !== undefined && !namesAudience(aud, gatewayId))
    err('aud', `must name this gateway, ${gatewayId} (a string, or an array of strings that holds it)`);
  if (typeof jti !== 'string' || !JTI.test(jti))
    err('jti', 'is required: 8 to 128 printable characters, unique per request');
  if (typeof provider !== 'string' || !SLUG.test(provider) || provider.length > 64)
    err('provider', 'must be an organisation id');
  else if (provider === iss) err('provider', 'must be another organisation than the requester');
  if (typeof crn !== 'string' || !CRN.test(crn)) err('crn', 'must be one capital letter and six digits');
  if (typeof purpose !== 'string' || !(PURPOSES as readonly string[]).includes(purpose))
    err('purpose', `must be one of ${PURPOSES.join(', ')}`);
  if (!Array.isArray(dataCategories) || dataCategories.length === 0) {
    err('dataCategories', `must be a non-empty array of ${DATA_CATEGORIES.join(', ')}`);
  } else {
    const seen = new Set<unknown>();
    dataCategories.forEach((c, i) => {
      if (typeof c !== 'string' || !(DATA_CATEGORIES as readonly string[]).includes(c))
        err(`dataCategories[${i}]`, `must be one of ${DATA_CATEGORIES.join(', ')}`);
      else if (seen.has(c)) err(`dataCategories[${i}]`, `repeats ${c}`);
      seen.add(c);
    });
  }
  if (typeof justification !== 'string' || justification.trim().length === 0)
    err('justification', 'is required: why the data is needed (DPA 2018 s.62)');
  else if (justification.length > 2000) err('justification', 'must be at most 2000 characters');
  if (typeof urgency !== 'string' || !(URGENCIES as readonly string[]).includes(urgency))
    err('urgency', 'must be ROUTINE or URGENT');
  if (typeof agreementId !== 'string' || !UUID.test(agreementId))
    err('agreementId', 'must be the id (a UUID) of the data-sharing agreement relied on');

  if (errors.length) throw invalid(errors);
  return {
    iss: iss as string,
    iat: iat as number,
    jti: jti as string,
    provider: provider as string,
    crn: crn as string,
    purpose: purpose as Purpose,
    dataCategories: dataCategories as DataCategory[],
    justification: (justification as string).trim(),
    urgency: urgency as ExchangeRequestClaims['urgency'],
    agreementId: (agreementId as string).toLowerCase(),
  };
}

function namesAudience(aud: unknown, gatewayId: string): boolean {
  if (typeof aud === 'string') return aud === gatewayId;
  return Array.isArray(aud) && aud.every((a) => typeof a === 'string') && aud.includes(gatewayId);
}
