import { exportJWK, generateKeyPair } from 'jose';
import type { OrgKind } from '../../src/shared/auth/roles.js';
import { thumbprint, validatePublicJwk, type PublicJwk } from '../../src/shared/crypto/jwk.js';
import { Organisation } from '../../src/modules/organisations/domain/organisation.js';
import type { OrganisationRepository } from '../../src/modules/organisations/domain/organisation.repository.port.js';
import {
  OrganisationException,
  OrganisationExceptionCode,
} from '../../src/modules/organisations/domain/organisation.exception.js';

export interface ValidatedKey {
  jwk: PublicJwk;
  thumbprint: string;
}

/** A validated public key as the registry stores it (EC P-256 by default). */
export async function aValidatedKey(kid: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<ValidatedKey> {
  const { publicKey } = await generateKeyPair(alg, { extractable: true });
  const r = await validatePublicJwk({ ...(await exportJWK(publicKey)), kid });
  if (!r.ok) throw new Error(r.problem);
  return { jwk: r.jwk, thumbprint: await thumbprint(r.jwk) };
}

/**
 * An Organisation aggregate for specs:
 *   await anOrganisation('crc-x').ofKind('CRC').withKeys('k1', 'k2').registeredAt(date).build()
 */
export class OrganisationBuilder {
  private kind: OrgKind = 'CRC';
  private kids: string[] = [];
  private keys: ValidatedKey[] = [];
  private at = new Date('2025-01-01T00:00:00Z');

  constructor(private readonly id: string) {}

  ofKind(kind: OrgKind): this {
    this.kind = kind;
    return this;
  }

  withKeys(...kids: string[]): this {
    this.kids.push(...kids);
    return this;
  }

  withKey(key: ValidatedKey): this {
    this.keys.push(key);
    return this;
  }

  registeredAt(at: Date): this {
    this.at = at;
    return this;
  }

  async build(): Promise<Organisation> {
    const keys = [...this.keys, ...(await Promise.all(this.kids.map((k) => aValidatedKey(k))))];
    if (!keys.length) keys.push(await aValidatedKey(`${this.id}-k1`));
    return Organisation.register({
      id: this.id,
      kind: this.kind,
      name: `Name of ${this.id}`,
      region: 'North East',
      keys,
      now: this.at,
    });
  }
}

export const anOrganisation = (id: string): OrganisationBuilder => new OrganisationBuilder(id);

/** The repository port in memory, with the same duplicate-id rule as the database. */
export class InMemoryOrganisationRepository implements OrganisationRepository {
  readonly saved: string[] = [];
  private readonly rows = new Map<string, Organisation>();

  constructor(...orgs: Organisation[]) {
    for (const o of orgs) this.rows.set(o.id, o);
  }

  findById(id: string): Promise<Organisation | null> {
    return Promise.resolve(this.rows.get(id) ?? null);
  }

  findKey(orgId: string, kid: string) {
    return Promise.resolve(this.rows.get(orgId)?.keys.find((k) => k.kid === kid) ?? null);
  }

  list(): Promise<Organisation[]> {
    return Promise.resolve([...this.rows.values()].sort((a, b) => a.id.localeCompare(b.id)));
  }

  insert(org: Organisation): Promise<void> {
    if (this.rows.has(org.id))
      return Promise.reject(
        new OrganisationException(
          OrganisationExceptionCode.AlreadyExists,
          `Organisation "${org.id}" is already registered.`,
        ),
      );
    this.rows.set(org.id, org);
    return Promise.resolve();
  }

  saveKeys(org: Organisation): Promise<void> {
    this.saved.push(org.id);
    this.rows.set(org.id, org);
    return Promise.resolve();
  }
}
