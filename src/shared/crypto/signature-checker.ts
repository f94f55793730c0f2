import { compactVerify, errors, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { findUnstorableText, parseJwsJson } from '@shared/http/storable-text.js';

/**
 * The one place where the gateway checks a JWS or a JWT signed by someone else: request tokens,
 * agreement signatures, exchange-request documents and the gateway's own checkpoints. The
 * signature and the registered claims are jose's (`compactVerify`, `jwtVerify`); what is here
 * is the gateway's policy around it, the same for every caller:
 * - only the algorithms of SIGNATURE_ALGORITHMS, and only the one the resolved key is for;
 * - the key comes from the caller's registry by `kid`, never from the message (jku, x5u, jwk,
 *   x5c, x5t are refused) and no extension is understood (crit and b64 are refused);
 * - explicit typing (RFC 8725 3.11) where the caller names a `typ`;
 * - the header and a JWT's claims are decoded as strict UTF-8 JSON, and text PostgreSQL cannot
 *   store (NUL, unpaired surrogates) is refused before any key is looked up.
 * Every refusal is a SignatureRefused naming why, which each caller maps to its own error.
 */

/** The signature algorithms the gateway accepts (and signs with): ECDSA P-256 and Ed25519. */
export const SIGNATURE_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNATURE_ALGORITHMS)[number];

export function isSigningAlg(v: unknown): v is SigningAlg {
  return (SIGNATURE_ALGORITHMS as readonly unknown[]).includes(v);
}

/** Header parameters that name or carry a key: a verifier that used them would let the sender choose the key. */
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'];
/** Extensions (RFC 7515 `crit`, RFC 7797 `b64`): the gateway understands none, so it accepts none. */
const EXTENSION_HEADERS = ['crit', 'b64'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_KID = 128;

export type SignatureRefusalReason =
  | 'malformed'
  | 'unstorable_text'
  | 'wrong_type'
  | 'algorithm_not_allowed'
  | 'key_in_header'
  | 'unknown_critical_header'
  | 'unknown_key'
  | 'key_algorithm_mismatch'
  | 'bad_signature'
  | 'invalid_claims'
  | 'wrong_audience'
  | 'expired'
  | 'issued_in_future';

/** Why a JWS was refused; `parameter` names the header parameter or claim at fault, if one is. */
export class SignatureRefused extends Error {
  constructor(
    readonly reason: SignatureRefusalReason,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'SignatureRefused';
  }
}

export interface HeaderProblem {
  parameter: string;
  reason: SignatureRefusalReason;
  message: string;
}

/** A key the caller's registry vouches for, and the one algorithm it verifies. */
export interface VerificationKey {
  key: CryptoKey;
  alg: SigningAlg;
}

/**
 * Finds the key `kid` names in the caller's registry, or null. A JWT's resolver also gets the
 * claims, not yet verified (a request token's `iss` says which organisation's registry to use);
 * it may throw a SignatureRefused of its own.
 */
export type KeyResolver<K extends VerificationKey> = (
  kid: string,
  unverifiedClaims: JWTPayload,
) => Promise<K | null> | K | null;

export interface JwsRules<K extends VerificationKey> {
  /** The required `typ`, compared as RFC 8725 and jose do; undefined where the contract names none. */
  typ?: string;
  key: KeyResolver<K>;
}

export interface JwtRules<K extends VerificationKey> extends JwsRules<K> {
  typ: string;
  /** The only audience: an `aud` list naming any other is refused too. */
  audience: string;
  clockToleranceS: number;
  /** How long after its `iat` a token is still accepted. */
  maxAgeS: number;
  requiredClaims: string[];
}

const normaliseTyp = (t: string) => (t.includes('/') ? t.toLowerCase() : `application/${t.toLowerCase()}`);

/**
 * One part of a compact JWS as a JSON object decoded strictly (`what` names it in the refusal),
 * refusing text PostgreSQL cannot store with `unstorable_text` naming the member's path under `root`.
 */
function decodePart(part: string, what: string, root: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJwsJson(part);
  } catch {
    throw new SignatureRefused('malformed', `the ${what} is not base64url-encoded UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SignatureRefused('malformed', `the ${what} is not a JSON object`);
  const unstorable = findUnstorableText(value, root);
  if (unstorable) throw new SignatureRefused('unstorable_text', unstorable.message, unstorable.field);
  return value as Record<string, unknown>;
}

/** The protected header of a compact JWS, or a `malformed` or `unstorable_text` refusal. */
export function decodeJwsHeader(compact: string): Record<string, unknown> {
  if (!COMPACT_JWS.test(compact))
    throw new SignatureRefused('malformed', 'not a compact JWS (three base64url parts separated by dots)');
  return decodePart(compact.slice(0, compact.indexOf('.')), 'protected header', 'header');
}

/**
 * Everything wrong with a protected header before any key is looked up, in the order a verifier
 * refuses them: typ, alg, key-bearing parameters, extensions, kid.
 */
export function headerProblems(header: Record<string, unknown>, typ: string | undefined): HeaderProblem[] {
  const problems: HeaderProblem[] = [];
  if (typ !== undefined && (typeof header.typ !== 'string' || normaliseTyp(header.typ) !== normaliseTyp(typ))) {
    problems.push({ parameter: 'typ', reason: 'wrong_type', message: `must be ${typ}` });
  }
  if (!isSigningAlg(header.alg))
    problems.push({
      parameter: 'alg',
      reason: 'algorithm_not_allowed',
      message: `must be ${SIGNATURE_ALGORITHMS.join(' or ')}`,
    });
  for (const name of KEY_HEADERS) {
    if (name in header)
      problems.push({
        parameter: name,
        reason: 'key_in_header',
        message: 'is not accepted: keys are only taken from the registry, never from the message',
      });
  }
  for (const name of EXTENSION_HEADERS) {
    if (name in header)
      problems.push({
        parameter: name,
        reason: 'unknown_critical_header',
        message: 'is not accepted: the gateway understands no JWS extension',
      });
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > MAX_KID) {
    problems.push({ parameter: 'kid', reason: 'unknown_key', message: 'must name a registered key of the signer' });
  }
  return problems;
}

async function resolveKey<K extends VerificationKey>(
  compact: string,
  rules: JwsRules<K>,
  claims: JWTPayload,
): Promise<{ header: Record<string, unknown>; key: K }> {
  const header = decodeJwsHeader(compact);
  const first = headerProblems(header, rules.typ)[0];
  if (first) throw new SignatureRefused(first.reason, `${first.parameter} ${first.message}`, first.parameter);
  const kid = header.kid as string;
  const key = await rules.key(kid, claims);
  if (!key)
    throw new SignatureRefused('unknown_key', `key "${kid}" is not a registered, active key of the signer`, 'kid');
  if (key.alg !== header.alg)
    throw new SignatureRefused(
      'key_algorithm_mismatch',
      `key "${kid}" signs with ${key.alg}, not ${String(header.alg)}`,
      'alg',
    );
  return { header, key };
}

/**
 * jose's refusals as the gateway's reasons. Anything that is not a refusal (the key registry's
 * database is down, say) is rethrown unchanged, so an outage is never reported as a bad signature.
 */
function refusal(e: unknown): SignatureRefused {
  if (e instanceof SignatureRefused) return e;
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return new SignatureRefused('bad_signature', 'the signature does not verify');
  if (e instanceof errors.JWTExpired)
    return new SignatureRefused('expired', e.claim === 'iat' ? 'issued too long ago' : 'expired', e.claim);
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return new SignatureRefused('wrong_audience', 'aud does not name this gateway', 'aud');
    if (e.claim === 'typ') return new SignatureRefused('wrong_type', e.message, 'typ');
    if (e.claim === 'iat' && e.reason === 'check_failed')
      return new SignatureRefused('issued_in_future', 'issued in the future', 'iat');
    return new SignatureRefused(
      'invalid_claims',
      e.reason === 'missing' ? `the ${e.claim} claim is required` : `the ${e.claim} claim is invalid`,
      e.claim,
    );
  }
  if (e instanceof errors.JOSEAlgNotAllowed)
    return new SignatureRefused('algorithm_not_allowed', 'the algorithm is not allowed');
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid)
    return new SignatureRefused('malformed', e.message);
  if (e instanceof errors.JOSEError) return new SignatureRefused('bad_signature', 'the signature cannot be verified');
  throw e;
}

/** Verifies a compact JWS over any payload; returns the payload bytes and the key used. */
export async function verifyJws<K extends VerificationKey>(
  compact: string,
  rules: JwsRules<K>,
): Promise<{ header: Record<string, unknown>; payload: Uint8Array; key: K }> {
  try {
    const { header, key } = await resolveKey(compact, rules, {});
    const { payload } = await compactVerify(compact, key.key, { algorithms: [key.alg] });
    return { header, payload, key };
  } catch (e) {
    throw refusal(e);
  }
}

/**
 * Verifies a JWT: the signature as verifyJws, then (jose) `typ`, the required claims, audience,
 * `exp` and `nbf` within the clock tolerance, and `iat` neither older than maxAgeS nor in the future.
 */
export async function verifyJwt<K extends VerificationKey>(
  token: string,
  rules: JwtRules<K>,
): Promise<{ header: Record<string, unknown>; claims: JWTPayload; key: K }> {
  try {
    if (!COMPACT_JWS.test(token))
      throw new SignatureRefused('malformed', 'not a compact JWS (three base64url parts separated by dots)');
    const unverified = decodePart(token.split('.')[1], 'payload', '') as JWTPayload;
    const { header, key } = await resolveKey(token, rules, unverified);
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: rules.typ,
      audience: rules.audience,
      clockTolerance: rules.clockToleranceS,
      maxTokenAge: rules.maxAgeS,
      requiredClaims: rules.requiredClaims,
    });
    if (Array.isArray(payload.aud) && payload.aud.length !== 1)
      throw new SignatureRefused('wrong_audience', 'aud names another audience too', 'aud');
    return { header, claims: payload, key };
  } catch (e) {
    throw refusal(e);
  }
}
