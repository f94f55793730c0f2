import type { FieldError } from '@shared/errors/index.js';
import { ROLES, ROLES_BY_KIND, type OrgKind, type Role } from '@shared/auth/roles.js';
import type { ClaimMapping } from './claim-mapping.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './identity-providers.port.js';

/** What an organisation sends to register its identity provider (PUT /organisations/{id}/identity-provider). */
export interface IdpRegistrationInput {
  issuer?: unknown;
  clientId?: unknown;
  clientAuthentication?: unknown;
  claimMapping?: unknown;
}

export interface ValidIdpRegistration {
  issuer: string;
  clientId: string;
  clientAuth: ClientAuthMethod;
  mapping: ClaimMapping;
}

/** A claim name at the IdP (`groups`, `https://idp.example/roles`): printable, no spaces. */
const CLAIM = /^[\x21-\x7e]{1,200}$/;
/** A gateway attribute name (`force`, `team`). */
const ATTRIBUTE = /^[a-z][A-Za-z0-9_]{0,39}$/;
const MAX_ENTRIES = 100;

/** http is allowed only for an IdP on this machine (a demo's or a test's); any other must be https. */
export function isLoopbackUrl(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a registration for an organisation of `kind`: the issuer is an absolute https URL
 * (http only on loopback) without credentials, query or fragment; the client authentication is
 * one the gateway can do; the mapping's roles are roles `kind` can hold (a mapping cannot grant
 * what a signed request of the organisation could not). Answers the registration or every
 * field in error, each named by its path in the body.
 */
export function validateIdpRegistration(
  kind: OrgKind,
  body: IdpRegistrationInput,
): { ok: true; value: ValidIdpRegistration } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });

  let issuer = '';
  if (typeof body.issuer !== 'string' || !body.issuer) err('issuer', 'is required: the IdP issuer URL');
  else if (body.issuer.length > 2048) err('issuer', 'must be at most 2048 characters');
  else {
    let url: URL | null = null;
    try {
      url = new URL(body.issuer);
    } catch {
      err('issuer', 'must be an absolute URL');
    }
    if (url) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url)))
        err('issuer', 'must be an https URL (http only on loopback)');
      else if (url.username || url.password || url.search || url.hash || body.issuer.includes('#'))
        err('issuer', 'must have no credentials, query or fragment');
      else issuer = body.issuer;
    }
  }

  if (typeof body.clientId !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(body.clientId))
    err('clientId', 'must be the client id the IdP issued the gateway: 1 to 255 printable characters');

  const auth = body.clientAuthentication ?? 'private_key_jwt';
  if (typeof auth !== 'string' || !(CLIENT_AUTH_METHODS as readonly string[]).includes(auth))
    err('clientAuthentication', `must be one of: ${CLIENT_AUTH_METHODS.join(', ')}`);

  const mapping = validateMapping(kind, body.claimMapping, err);
  if (errors.length || !mapping) return { ok: false, errors };
  return {
    ok: true,
    value: { issuer, clientId: body.clientId as string, clientAuth: auth as ClientAuthMethod, mapping },
  };
}

function validateMapping(
  kind: OrgKind,
  raw: unknown,
  err: (field: string, message: string) => void,
): ClaimMapping | null {
  if (!isRecord(raw)) {
    err('claimMapping', 'is required: an object with rolesClaim, roles, attributes and required');
    return null;
  }
  const before = { n: 0 };
  const count = (field: string, message: string) => {
    before.n++;
    err(field, message);
  };
  for (const key of Object.keys(raw))
    if (!['rolesClaim', 'roles', 'attributes', 'required'].includes(key))
      count(`claimMapping.${key}`, 'is not a field of a claim mapping');
  if (typeof raw.rolesClaim !== 'string' || !CLAIM.test(raw.rolesClaim))
    count('claimMapping.rolesClaim', 'must name the IdP claim that holds the person’s groups or roles');

  const roles: Record<string, Role> = {};
  const allowed = ROLES_BY_KIND[kind];
  if (!isRecord(raw.roles) || Object.keys(raw.roles).length === 0)
    count('claimMapping.roles', 'must map at least one IdP value to a gateway role');
  else if (Object.keys(raw.roles).length > MAX_ENTRIES)
    count('claimMapping.roles', `must have at most ${MAX_ENTRIES} entries`);
  else
    for (const [value, role] of Object.entries(raw.roles)) {
      const field = `claimMapping.roles.${value}`;
      if (!CLAIM.test(value)) count(field, 'the IdP value must be 1 to 200 printable characters');
      else if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
        count(field, `must be a gateway role: ${ROLES.join(', ')}`);
      else if (!(allowed as readonly string[]).includes(role))
        count(field, `${role} is not a role an organisation of kind ${kind} can hold (${allowed.join(', ')})`);
      else roles[value] = role as Role;
    }

  const attributes = stringRecord(raw.attributes, 'claimMapping.attributes', ATTRIBUTE, count, 'attribute');
  const required = stringRecord(raw.required ?? {}, 'claimMapping.required', CLAIM, count, 'claim');
  if (before.n) return null;
  return { rolesClaim: raw.rolesClaim as string, roles, attributes: attributes!, required: required! };
}

function stringRecord(
  raw: unknown,
  path: string,
  keyPattern: RegExp,
  err: (field: string, message: string) => void,
  keyWord: string,
): Record<string, string> | null {
  if (raw === undefined) return {};
  if (!isRecord(raw)) {
    err(path, 'must be an object of strings');
    return null;
  }
  if (Object.keys(raw).length > MAX_ENTRIES) {
    err(path, `must have at most ${MAX_ENTRIES} entries`);
    return null;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!keyPattern.test(k)) err(`${path}.${k}`, `is not a valid ${keyWord} name`);
    else if (typeof v !== 'string' || !CLAIM.test(v))
      err(`${path}.${k}`, 'must be a claim name or value (1 to 200 printable characters)');
    else out[k] = v;
  }
  return out;
}
