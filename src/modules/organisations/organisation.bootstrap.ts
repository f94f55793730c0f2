import { Inject, Injectable } from '@nestjs/common';
import { JsonLogger } from '@shared/observability/json-logger.js';
import type { OrgKind } from '@shared/auth/roles.js';
import { Organisation, OPERATOR_ORG_ID } from './domain/organisation.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from './domain/organisation.repository.port.js';
import { OrganisationException, OrganisationExceptionCode } from './domain/organisation.exception.js';
import { validateKeySet } from './domain/validate-jwks.js';
import { OrganisationKeyCache } from './infrastructure/organisation-key.cache.js';

/** Start-up tasks of the registry: the operator organisation, and organisations the demo seed needs. */
@Injectable()
export class OrganisationBootstrap {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
    private readonly cache: OrganisationKeyCache,
    private readonly logger: JsonLogger,
  ) {}

  /**
   * Makes sure the operator organisation `gateway` exists. When `jwks` is given (from
   * BOOTSTRAP_ADMIN_JWKS) it becomes the operator's exact active key set.
   */
  async ensureOperator(
    jwks: { keys: Record<string, unknown>[] } | undefined,
    opts: { warnIfKeyless?: boolean } = {},
  ): Promise<void> {
    const keys = jwks ? await validateKeySet(jwks.keys, 'BOOTSTRAP_ADMIN_JWKS.keys') : [];
    const existing = await this.repo.findById(OPERATOR_ORG_ID);
    if (!existing) {
      await this.repo.insert(Organisation.createOperator(keys, new Date())).catch((e) => {
        // Another instance created it at the same moment.
        if (!(e instanceof OrganisationException && e.code === OrganisationExceptionCode.AlreadyExists)) throw e;
      });
      if (!keys.length && opts.warnIfKeyless !== false)
        this.logger.warn(
          'the operator organisation has no keys: set BOOTSTRAP_ADMIN_JWKS to administer the gateway',
          'OrganisationBootstrap',
        );
      return;
    }
    if (!keys.length) return;
    const same =
      existing.activeKeys.length === keys.length &&
      keys.every((k) => existing.activeKeys.some((a) => a.kid === k.jwk.kid && a.thumbprint === k.thumbprint));
    if (same) return;
    existing.rotateKeys(keys, new Date());
    await this.repo.saveKeys(existing);
    this.cache.invalidate(OPERATOR_ORG_ID);
    this.logger.log('operator keys replaced from BOOTSTRAP_ADMIN_JWKS', 'OrganisationBootstrap');
  }

  /** Registers an organisation unless it exists (demo seed); adds the given keys when it exists without them. */
  async ensureOrganisation(p: {
    id: string;
    kind: OrgKind;
    name: string;
    region: string;
    keys: Record<string, unknown>[];
  }): Promise<'created' | 'existing' | 'rekeyed'> {
    const keys = await validateKeySet(p.keys, 'keys');
    const existing = p.id === OPERATOR_ORG_ID ? await this.repo.findById(p.id) : await this.repo.findById(p.id);
    if (!existing) {
      if (p.id === OPERATOR_ORG_ID) await this.repo.insert(Organisation.createOperator(keys, new Date()));
      else await this.repo.insert(Organisation.register({ ...p, keys, now: new Date() }));
      return 'created';
    }
    const missing = keys.filter((k) => !existing.activeKeys.some((a) => a.kid === k.jwk.kid));
    if (!missing.length) return 'existing';
    const next = [...existing.activeKeys.map((a) => ({ jwk: a.jwk, thumbprint: a.thumbprint })), ...missing];
    existing.rotateKeys(next, new Date());
    await this.repo.saveKeys(existing);
    this.cache.invalidate(p.id);
    return 'rekeyed';
  }
}
