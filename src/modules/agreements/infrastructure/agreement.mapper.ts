import { termsFromDocument } from '../domain/agreement-document.js';
import type { AgreementStatus } from '../domain/agreement-terms.js';
import { Agreement, type AgreementSignature, type AgreementVersion, type StatusChange } from '../domain/agreement.js';
import type { AgreementEntity, AgreementSignatureEntity, AgreementVersionEntity } from './agreement.entity.js';

export const AgreementMapper = {
  toDomain(row: AgreementEntity, current: AgreementVersionEntity, signatures: AgreementSignatureEntity[]): Agreement {
    const lastChange: StatusChange | null =
      row.statusAction && row.statusChangedAt
        ? {
            action: row.statusAction as StatusChange['action'],
            reason: row.statusReason ?? '',
            at: row.statusChangedAt,
            by: { org: row.statusChangedByOrg ?? '', sub: row.statusChangedBySub ?? '' },
          }
        : null;
    return Agreement.restore({
      id: row.id,
      status: row.status as AgreementStatus,
      current: AgreementMapper.version(current),
      activeVersion: row.activeVersion,
      signatures: signatures
        .map((s) => AgreementMapper.signature(s))
        .sort((a, b) => a.signedAt.getTime() - b.signedAt.getTime()),
      partyOrgs: row.partyOrgs,
      lastChange,
      createdAt: row.createdAt,
      createdBy: { org: row.createdByOrg, sub: row.createdBySub },
      updatedAt: row.updatedAt,
    });
  },

  version(v: AgreementVersionEntity): AgreementVersion {
    return {
      version: v.version,
      terms: termsFromDocument(v.document),
      document: v.document,
      documentSha256: v.documentSha256,
      createdAt: v.createdAt,
      createdBy: { org: v.createdByOrg, sub: v.createdBySub },
    };
  },

  signature(s: AgreementSignatureEntity): AgreementSignature {
    return {
      version: s.version,
      org: s.org,
      sub: s.signerSub,
      kid: s.kid,
      alg: s.alg,
      jws: s.jws,
      signedAt: s.signedAt,
    };
  },

  row(a: Agreement): AgreementEntity {
    const c = a.lastChange;
    return {
      id: a.id,
      status: a.storedStatus,
      version: a.version,
      activeVersion: a.activeVersion,
      partyOrgs: [...a.partyOrgs],
      validTo: a.terms.validTo,
      statusAction: c?.action ?? null,
      statusReason: c?.reason ?? null,
      statusChangedAt: c?.at ?? null,
      statusChangedByOrg: c?.by.org ?? null,
      statusChangedBySub: c?.by.sub ?? null,
      createdAt: a.createdAt,
      createdByOrg: a.createdBy.org,
      createdBySub: a.createdBy.sub,
      updatedAt: a.updatedAt,
    };
  },

  versionRow(id: string, v: AgreementVersion): AgreementVersionEntity {
    return {
      agreementId: id,
      version: v.version,
      document: v.document,
      documentSha256: v.documentSha256,
      createdAt: v.createdAt,
      createdByOrg: v.createdBy.org,
      createdBySub: v.createdBy.sub,
    };
  },

  signatureRow(id: string, s: AgreementSignature): AgreementSignatureEntity {
    return {
      agreementId: id,
      version: s.version,
      org: s.org,
      signerSub: s.sub,
      kid: s.kid,
      alg: s.alg,
      jws: s.jws,
      signedAt: s.signedAt,
    };
  },
};
