import { Injectable } from '@nestjs/common';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { hasRole, logActor, type Principal } from '@shared/auth/principal.js';
import { NotFoundException, ValidationException } from '@shared/errors/index.js';
import { AccessLogWriter, type AccessLogEntryInput } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { IdentityProviders, type IdentityProvider } from '../domain/identity-providers.port.js';
import { validateIdpRegistration, type IdpRegistrationInput } from '../domain/idp-registration.js';

/** An organisation's identity provider as its administrators read it back. */
export interface IdentityProviderView {
  org: string;
  issuer: string;
  clientId: string;
  clientAuthentication: string;
  claimMapping: IdentityProvider['mapping'];
  revision: number;
  updatedAt: string;
}

function view(idp: IdentityProvider): IdentityProviderView {
  return {
    org: idp.orgId,
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientAuthentication: idp.clientAuth,
    claimMapping: idp.mapping,
    revision: idp.revision,
    updatedAt: new Date(idp.updatedAt).toISOString(),
  };
}

/**
 * Organisations register, read and remove their identity provider: the organisation's own
 * `system` or the operator's `gateway-admin` only; to anyone else another organisation answers
 * as one that does not exist. A registration or removal ends every session of the organisation
 * and is a governance entry in the access log, committed in the same transaction as the change.
 */
@Injectable()
export class IdentityProviderRegistry {
  constructor(
    private readonly idps: IdentityProviders,
    private readonly orgs: OrganisationDirectory,
    private readonly writer: AccessLogWriter,
  ) {}

  async get(p: Principal, orgId: string): Promise<IdentityProviderView> {
    await this.authorise(p, orgId);
    const idp = await this.idps.registrationOf(orgId);
    if (!idp) throw new NotFoundException(`An identity provider of organisation "${orgId}"`);
    return view(idp);
  }

  async register(
    p: Principal,
    orgId: string,
    body: IdpRegistrationInput,
  ): Promise<IdentityProviderView & { changed: boolean; sessionsEnded: number }> {
    const org = await this.authorise(p, orgId);
    const checked = validateIdpRegistration(org.kind, body);
    if (!checked.ok) throw new ValidationException(checked.errors, 'The identity provider registration is invalid.');
    const reg = { orgId, ...checked.value };
    const { result, intent } = await this.idps.transaction(async (tx) => {
      const r = await this.idps.register(reg, tx);
      const entry = this.entry(p, orgId, 'identity-provider.register', [
        `revision:${r.revision}`,
        r.changed ? 'changed' : 'unchanged',
        `sessions-ended:${r.sessionsEnded}`,
        `issuer:${reg.issuer.slice(0, 400)}`,
      ]);
      return { result: r, intent: await this.writer.enqueue(tx, entry) };
    });
    await this.writer.integrate(intent);
    const stored = await this.idps.registrationOf(orgId);
    return { ...view(stored!), changed: result.changed, sessionsEnded: result.sessionsEnded };
  }

  async remove(p: Principal, orgId: string): Promise<{ org: string; sessionsEnded: number }> {
    await this.authorise(p, orgId);
    const { result, intent } = await this.idps.transaction(async (tx) => {
      const r = await this.idps.remove(orgId, tx);
      if (!r.removed) throw new NotFoundException(`An identity provider of organisation "${orgId}"`);
      const entry = this.entry(p, orgId, 'identity-provider.remove', [`sessions-ended:${r.sessionsEnded}`]);
      return { result: r, intent: await this.writer.enqueue(tx, entry) };
    });
    await this.writer.integrate(intent);
    return { org: orgId, sessionsEnded: result.sessionsEnded };
  }

  /** The organisation, when `p` may manage its IdP: its own system, or gateway-admin. */
  private async authorise(p: Principal, orgId: string) {
    const own = p.org === orgId && hasRole(p, 'system');
    const admin = hasRole(p, 'gateway-admin');
    if (!own && !admin) {
      if (p.org !== orgId) throw new NotFoundException(`Organisation "${orgId}"`);
      throw new ForbiddenException(
        "Only the organisation's own system or the gateway operator may manage its identity provider.",
        'role_required',
      );
    }
    const org = await this.orgs.get(orgId);
    if (!org) throw new NotFoundException(`Organisation "${orgId}"`);
    return org;
  }

  private entry(p: Principal, orgId: string, action: string, reasons: string[]): AccessLogEntryInput {
    return {
      actor: logActor(p),
      action,
      resource: { type: 'identity-provider', id: orgId },
      reason: p.reason,
      decision: 'ALLOW',
      reasons,
      recipientOrg: orgId,
      ownerOrg: orgId,
      requestId: p.requestId,
      jti: p.jti,
    };
  }
}
