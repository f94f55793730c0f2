import { termsFromDocument } from '../domain/agreement-document.js';
import type { AgreementStatus } from '../domain/agreement-terms.js';
import { Agreement, type AgreementSignature, type AgreementVersion, type StatusChange } from '../domain/agreement.js';

/** A row of `agreements`, columns named as AGREEMENT_COLUMNS selects them. */
export interface AgreementRow {
  id: string;
  status: string;
  version: number;
  activeVersion: number | null;
  partyOrgs: string[];
  validTo: Date;
  statusAction: string | null;
  statusReason: string | null;
  statusChangedAt: Date | null;
  statusChangedByOrg: string | null;
  statusChangedBySub: string | null;
  createdAt: Date;
  createdByOrg: string;
  createdBySub: string;
  updatedAt: Date;
}

/** One immutable version; `document` is the exact canonical text the parties sign. */
export interface AgreementVersionRow {
  agreementId: string;
  version: number;
  document: string;
  documentSha256: string;
  createdAt: Date;
  createdByOrg: string;
  createdBySub: string;
}

/** A party's signature of a version, with the JWS exactly as it was posted. */
export interface AgreementSignatureRow {
  agreementId: string;
  version: number;
  org: string;
  signerSub: string;
  kid: string;
  alg: string;
  jws: string;
  signedAt: Date;
}

/** The columns of each table in AgreementMapper's order, with the names its row types use. */
export const COLUMNS = {
  agreement: [
    ['id', 'id'],
    ['status', 'status'],
    ['version', 'version'],
    ['active_version', 'activeVersion'],
    ['party_orgs', 'partyOrgs'],
    ['valid_to', 'validTo'],
    ['status_action', 'statusAction'],
    ['status_reason', 'statusReason'],
    ['status_changed_at', 'statusChangedAt'],
    ['status_changed_by_org', 'statusChangedByOrg'],
    ['status_changed_by_sub', 'statusChangedBySub'],
    ['created_at', 'createdAt'],
    ['created_by_org', 'createdByOrg'],
    ['created_by_sub', 'createdBySub'],
    ['updated_at', 'updatedAt'],
  ],
  version: [
    ['agreement_id', 'agreementId'],
    ['version', 'version'],
    ['document', 'document'],
    ['document_sha256', 'documentSha256'],
    ['created_at', 'createdAt'],
    ['created_by_org', 'createdByOrg'],
    ['created_by_sub', 'createdBySub'],
  ],
  signature: [
    ['agreement_id', 'agreementId'],
    ['version', 'version'],
    ['org', 'org'],
    ['signer_sub', 'signerSub'],
    ['kid', 'kid'],
    ['alg', 'alg'],
    ['jws', 'jws'],
    ['signed_at', 'signedAt'],
  ],
} as const;

export const AgreementMapper = {
  toDomain(row: AgreementRow, current: AgreementVersionRow, signatures: AgreementSignatureRow[]): Agreement {
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

  version(v: AgreementVersionRow): AgreementVersion {
    return {
      version: v.version,
      terms: termsFromDocument(v.document),
      document: v.document,
      documentSha256: v.documentSha256,
      createdAt: v.createdAt,
      createdBy: { org: v.createdByOrg, sub: v.createdBySub },
    };
  },

  signature(s: AgreementSignatureRow): AgreementSignature {
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

  row(a: Agreement): AgreementRow {
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

  versionRow(id: string, v: AgreementVersion): AgreementVersionRow {
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

  signatureRow(id: string, s: AgreementSignature): AgreementSignatureRow {
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
