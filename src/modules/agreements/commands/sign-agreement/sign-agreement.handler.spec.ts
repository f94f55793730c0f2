import { jest } from '@jest/globals';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { EventBus } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { PublicJwk } from '@shared/crypto/jwk.js';
import type { OrganisationDirectory } from '@modules/organisations/index.js';
import type { AgreementAudit } from '../../agreement-audit.js';
import { AgreementChanges } from '../../agreement-changes.js';
import type { AgreementCoverage } from '../../agreement-coverage.js';
import { AgreementActivatedEvent } from '../../domain/agreement-activated.event.js';
import type { AgreementRepository } from '../../domain/agreement.repository.port.js';
import { Agreement } from '../../domain/agreement.js';
import { SignAgreementCommand } from './sign-agreement.command.js';
import { SignAgreementHandler } from './sign-agreement.handler.js';

const ID = '00000000-0000-4000-8000-0000000000aa';
const NOW = new Date();

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } as PublicJwk;
  return { kid, privateKey: privateKey, publicKey: publicKey, jwk };
}

const sign = (doc: string, k: { kid: string; privateKey: CryptoKey }) =>
  new CompactSign(new TextEncoder().encode(doc)).setProtectedHeader({ alg: 'ES256', kid: k.kid }).sign(k.privateKey);

function principal(org: string): Principal {
  return {
    org,
    orgKind: 'NPS',
    sub: 'user:signatory',
    roles: ['dsa-signatory'],
    claimedRoles: ['dsa-signatory'],
    attrs: {},
    reason: undefined,
    breakGlass: false,
    jti: 'j',
    requestId: 'r',
  };
}

function draft(): Agreement {
  return Agreement.draft({
    id: ID,
    terms: {
      title: 'Unit agreement',
      parties: [
        { org: 'nps-north-east', role: 'PROVIDER', controller: true },
        { org: 'police-cleveland', role: 'RECIPIENT', controller: true },
      ],
      purposes: ['IOM'],
      dataCategories: ['IDENTITY'],
      lawfulBasis: ['Crime and Disorder Act 1998 s.115'],
      lawfulBasisByPurpose: {},
      specialCategoryConditions: {},
      retentionDays: 30,
      securityMeasures: [],
      validFrom: NOW,
      validTo: new Date(NOW.getTime() + 86_400_000),
      reviewBy: NOW,
      reviewIntervalMonths: null,
      dpiaReference: null,
      contacts: [],
      termination: null,
    },
    by: { org: 'nps-north-east', sub: 'user:x' },
    now: NOW,
  });
}

describe(SignAgreementHandler.name, () => {
  let agreement: Agreement;
  let keys: Record<string, Awaited<ReturnType<typeof keyPair>>>;
  let audit: jest.Mock<(...a: unknown[]) => Promise<void>>;
  let published: unknown[];
  let sut: SignAgreementHandler;

  beforeEach(async () => {
    agreement = draft();
    keys = { 'nps-north-east': await keyPair('nps-k1'), 'police-cleveland': await keyPair('police-k1') };
    const repo = {
      findById: () => Promise.resolve(agreement),
      findVersionByDocumentHash: () => Promise.resolve(null),
      transaction: <T>(work: (tx: unknown) => Promise<T>) => work({ query: () => Promise.resolve([]) }),
      lock: () => Promise.resolve(agreement),
      save: () => Promise.resolve(undefined),
    } as unknown as AgreementRepository;
    const directory = {
      keyAt: (org: string, kid: string) => {
        const k = keys[org];
        return Promise.resolve(k && k.kid === kid ? { jwk: k.jwk, key: k.publicKey, holder: null } : null);
      },
    } as unknown as OrganisationDirectory;
    audit = jest.fn(() => Promise.resolve());
    published = [];
    const changes = new AgreementChanges(
      repo,
      {
        record: (_tx: unknown, ...a: unknown[]) => audit(...a),
        integrate: () => Promise.resolve(),
      } as unknown as AgreementAudit,
      { invalidate: () => undefined } as unknown as AgreementCoverage,
      {
        publish: (e: unknown) => published.push(e),
      } as unknown as EventBus,
    );
    sut = new SignAgreementHandler(repo, directory, changes);
  });

  it('records a verified signature verbatim, logs it, and activates on the last one', async () => {
    const jws = await sign(agreement.current.document, keys['nps-north-east']);
    await sut.execute(new SignAgreementCommand(principal('nps-north-east'), ID, jws));
    expect(agreement.signatures).toEqual([
      expect.objectContaining({ org: 'nps-north-east', kid: 'nps-k1', jws, version: 1 }),
    ]);
    expect(audit).toHaveBeenCalledWith(
      expect.anything(),
      'sign',
      agreement,
      expect.objectContaining({ from: 'DRAFT' }),
    );
    await sut.execute(
      new SignAgreementCommand(
        principal('police-cleveland'),
        ID,
        await sign(agreement.current.document, keys['police-cleveland']),
      ),
    );
    expect(agreement.statusAt(new Date())).toBe('ACTIVE');
    expect(published).toEqual([expect.any(AgreementActivatedEvent)]);
  });

  it("refuses another organisation's key before anything is written", async () => {
    const jws = await sign(agreement.current.document, keys['police-cleveland']);
    await expect(sut.execute(new SignAgreementCommand(principal('nps-north-east'), ID, jws))).rejects.toMatchObject({
      code: 'signature_invalid',
    });
    expect(audit).not.toHaveBeenCalled();
    expect(agreement.signatures).toEqual([]);
  });

  it('refuses a signature over bytes that are no version of the agreement', async () => {
    const jws = await sign(`${agreement.current.document} `, keys['nps-north-east']);
    await expect(sut.execute(new SignAgreementCommand(principal('nps-north-east'), ID, jws))).rejects.toMatchObject({
      code: 'signature_document_mismatch',
      kind: 'invalid',
    });
    expect(audit).not.toHaveBeenCalled();
  });

  it('answers a non-party as if the agreement did not exist', async () => {
    const jws = await sign(agreement.current.document, keys['nps-north-east']);
    await expect(
      sut.execute(new SignAgreementCommand({ ...principal('police-durham'), orgKind: 'POLICE' }, ID, jws)),
    ).rejects.toMatchObject({ kind: 'not_found' });
  });
});
