import { KeyObject, verify as verifySignature } from 'node:crypto';
import type { CryptoKey, JWTPayload } from 'jose';
import { DuplicateMember, findUnstorableText, parseJwsJson } from '@shared/http/storable-text.js';
import { isWeakEd25519Key } from './jwk.js';

/**
 * The one place where the gateway checks a JWS or a JWT signed by someone else: request tokens,
 * agreement signatures, exchange-request documents and the gateway's own checkpoints, the same
 * for every caller:
 * - only the algorithms of SIGNATURE_ALGORITHMS, and only the one the resolved key is for;
 * - the key comes from the caller's registry by `kid`, never from the message (jku, x5u, jwk,
 *   x5c, x5t are refused) and no extension is understood (crit and b64 are refused);
 * - explicit typing (RFC 8725 3.11) where the caller names a `typ`;
 * - the header and a JWT's claims are decoded as strict UTF-8 JSON, and text PostgreSQL cannot
 *   store (NUL, unpaired surrogates) is refused before any key is looked up;
 * - the signature is checked with node:crypto's one-shot verify (ECDSA P-256 with SHA-256 over
 *   the IEEE P1363 r||s form of RFC 7518 3.4, or Ed25519), synchronously: jose's WebCrypto
 *   verify costs twice the CPU for the same check (about 200 against 90 us here), on every
 *   signed request;
 * - a JWT's registered claims as jose's jwtVerify checks them (validateClaims below).
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

/**
 * Three base64url parts separated by dots, none of a length (1 more than a multiple of 4) that
 * no byte string encodes to: Buffer would drop the dangling character where jose refused it.
 */
function isCompactJws(s: string): boolean {
  return COMPACT_JWS.test(s) && s.split('.').every((part) => part.length % 4 !== 1);
}

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
 * refusing text PostgreSQL cannot store with `unstorable_text` naming the member's path under `root`,
 * and a member named twice in one object.
 */
function decodePart(part: string, what: string, root: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJwsJson(part);
  } catch (e) {
    throw new SignatureRefused(
      'malformed',
      `the ${what} is not base64url-encoded UTF-8 I-JSON${e instanceof DuplicateMember ? `: ${e.message}` : ''}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SignatureRefused('malformed', `the ${what} is not a JSON object`);
  const unstorable = findUnstorableText(value, root);
  if (unstorable) throw new SignatureRefused('unstorable_text', unstorable.message, unstorable.field);
  return value as Record<string, unknown>;
}

/** The protected header of a compact JWS, or a `malformed` or `unstorable_text` refusal. */
export function decodeJwsHeader(compact: string): Record<string, unknown> {
  if (!isCompactJws(compact))
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

/** The KeyObject of each registry key, converted once: node:crypto verifies with KeyObjects. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
/** Ed25519 keys registered before weak keys were refused at the door: they verify nothing. */
const weakKeys = new WeakSet<KeyObject>();

/**
 * Whether `signature` is `alg`'s signature by `key` over the JWS signing input (RFC 7515 5.2):
 * the ASCII of the encoded protected header and payload joined by a dot. A key of another type
 * or curve than `alg` needs verifies nothing.
 */
function signatureVerifies(compact: string, alg: SigningAlg, key: CryptoKey): boolean {
  let k = keyObjects.get(key);
  if (!k) {
    k = KeyObject.from(key);
    keyObjects.set(key, k);
    if (
      k.asymmetricKeyType === 'ed25519' &&
      isWeakEd25519Key(Buffer.from(k.export({ format: 'jwk' }).x ?? '', 'base64url'))
    )
      weakKeys.add(k);
  }
  const end = compact.lastIndexOf('.');
  const input = Buffer.from(compact.slice(0, end), 'ascii');
  const signature = Buffer.from(compact.slice(end + 1), 'base64url');
  if (signature.length !== 64) return false; // both algorithms' signatures are 64 bytes
  try {
    if (alg === 'ES256')
      return (
        k.asymmetricKeyType === 'ec' &&
        k.asymmetricKeyDetails?.namedCurve === 'prime256v1' &&
        verifySignature('sha256', input, { key: k, dsaEncoding: 'ieee-p1363' }, signature)
      );
    return k.asymmetricKeyType === 'ed25519' && !weakKeys.has(k) && verifySignature(null, input, k, signature);
  } catch {
    return false;
  }
}

function checkSignature(compact: string, key: VerificationKey): void {
  if (!signatureVerifies(compact, key.alg, key.key))
    throw new SignatureRefused('bad_signature', 'the signature does not verify');
}

/** Verifies a compact JWS over any payload; returns the payload bytes and the key used. */
export async function verifyJws<K extends VerificationKey>(
  compact: string,
  rules: JwsRules<K>,
): Promise<{ header: Record<string, unknown>; payload: Uint8Array; key: K }> {
  const { header, key } = await resolveKey(compact, rules, {});
  checkSignature(compact, key);
  const payload = compact.slice(compact.indexOf('.') + 1, compact.lastIndexOf('.'));
  return { header, payload: new Uint8Array(Buffer.from(payload, 'base64url')), key };
}

/**
 * Verifies a JWT: the signature as verifyJws, then its claims (validateClaims): the required
 * claims, the audience, `exp` and `nbf` within the clock tolerance, and `iat` neither older than
 * maxAgeS nor in the future. The header's `typ` is checked with the other header rules.
 */
export async function verifyJwt<K extends VerificationKey>(
  token: string,
  rules: JwtRules<K>,
): Promise<{ header: Record<string, unknown>; claims: JWTPayload; key: K }> {
  if (!isCompactJws(token))
    throw new SignatureRefused('malformed', 'not a compact JWS (three base64url parts separated by dots)');
  const claims = decodePart(token.split('.')[1], 'payload', '') as JWTPayload;
  const { header, key } = await resolveKey(token, rules, claims);
  checkSignature(token, key);
  validateClaims(claims, rules, Math.floor(Date.now() / 1000));
  return { header, claims, key };
}

/**
 * A JWT's claims as jose's jwtVerify (6.x) checks them with the same options, and in its order,
 * so a refusal names the same claim: presence (`aud`, then `iat`, then the required claims from
 * the last), the audience (a string equal to it, or a list of exactly one that is it), then `nbf`,
 * `exp` and `iat` as numbers of seconds within `clockToleranceS` of `now`.
 */
function validateClaims(claims: JWTPayload, rules: JwtRules<VerificationKey>, now: number): void {
  for (const claim of new Set([...rules.requiredClaims, 'iat', 'aud'].reverse()))
    if (!Object.hasOwn(claims, claim))
      throw new SignatureRefused(
        claim === 'aud' ? 'wrong_audience' : 'invalid_claims',
        claim === 'aud' ? 'aud does not name this gateway' : `the ${claim} claim is required`,
        claim,
      );
  const aud = claims.aud;
  const audienceOk =
    typeof aud === 'string'
      ? aud === rules.audience
      : Array.isArray(aud) && aud.length === 1 && aud[0] === rules.audience;
  if (!audienceOk)
    throw new SignatureRefused(
      'wrong_audience',
      Array.isArray(aud) && aud.includes(rules.audience)
        ? 'aud names another audience too'
        : 'aud does not name this gateway',
      'aud',
    );
  const tolerance = rules.clockToleranceS;
  const numeric = (claim: 'iat' | 'nbf' | 'exp'): number | undefined => {
    const v = claims[claim];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new SignatureRefused('invalid_claims', `the ${claim} claim is invalid`, claim);
    return v;
  };
  const iat = numeric('iat') as number; // present: checked above
  const nbf = numeric('nbf');
  if (nbf !== undefined && nbf > now + tolerance)
    throw new SignatureRefused('invalid_claims', 'the nbf claim is invalid', 'nbf');
  const exp = numeric('exp');
  if (exp !== undefined && exp <= now - tolerance) throw new SignatureRefused('expired', 'expired', 'exp');
  const age = now - iat;
  if (age - tolerance > rules.maxAgeS) throw new SignatureRefused('expired', 'issued too long ago', 'iat');
  if (age < -tolerance) throw new SignatureRefused('issued_in_future', 'issued in the future', 'iat');
}
